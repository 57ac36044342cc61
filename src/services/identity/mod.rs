//! Who people are on the portal: their accounts and how they come to have one.

pub mod invitations;
