//! Journeys in a real Chromium; every page is checked with axe-core at a desktop's and a phone's width,
//! for sideways scrolling at both, and with the Nu HTML Checker.

mod application_journey;
mod attestation;
mod documents;
mod identity;
mod information_requests;
mod pages;
mod review;
mod review_journey;
mod sections;
mod submission;
