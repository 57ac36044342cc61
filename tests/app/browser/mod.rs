//! Journeys in a real Chromium, with axe-core on every page.

mod identity;
mod pages;
