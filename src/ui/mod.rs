//! Building blocks shared by every feature's pages: theme, toasts, skeletons.

pub mod skeleton;
pub mod theme;
pub mod toast;
