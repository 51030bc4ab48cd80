//! The report layer: each writer turns [`Results`](crate::results::Results) (or an analysis) into bytes or text.
//! None of them touches the file system; `output` writes what they return.

pub mod assumptions;
pub mod charts;
pub mod compare;
pub mod csv;
pub mod findings;
pub mod format;
pub mod html;
pub mod json;
pub mod labels;
pub mod optimise;
pub mod sensitivity;
pub mod sweep;
pub mod table;
