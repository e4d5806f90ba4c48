//! Building blocks shared by every feature's pages: theme, toasts, skeletons, confirmation.

pub mod confirm;
pub mod interval;
pub mod messages;
pub mod skeleton;
pub mod theme;
pub mod toast;
