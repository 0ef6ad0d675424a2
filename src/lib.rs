//! walletdesk: a static-site generator for bilingual documentation with a setup wizard.
//!
//! The build is a pipeline of stages (see ARCHITECTURE.md): `content::load` reads the site
//! folder, `config` and `content` parse it, `site` assembles the model, `render` (with
//! `markdown`, `links`, `highlight`, `diagram`, `theme`) produces the files, and `output` writes them.

pub mod calendar;
pub mod claims;
pub mod cli;
pub mod config;
pub mod content;
pub mod data;
pub mod diagram;
pub mod error;
pub mod highlight;
pub mod i18n;
pub mod init;
pub mod jsmin;
pub mod linkcheck;
pub mod links;
pub mod markdown;
pub mod output;
pub mod pipeline;
pub mod preview;
pub mod progress;
pub mod render;
pub mod search;
pub mod serve;
pub mod site;
pub mod templates;
pub mod theme;
pub mod watch;
pub mod wizard;

pub use pipeline::{Options, Report, build, check};
