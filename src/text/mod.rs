//! Plain-text helpers shared by the server and the browser (std only, so the
//! same code finds a quote in the converted pages and in pdf.js's text layer).

pub mod normalise;
