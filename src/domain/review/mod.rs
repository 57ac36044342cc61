//! The regulator's review of an application: its states and the transitions between them, and the
//! statutory clock of each phase, counted in working days.

pub mod clock;
pub mod information_request;
pub mod outcome;
pub mod state;
pub mod transition;
