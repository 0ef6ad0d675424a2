//! The plan as JSON: the object both engines produce (the browser's is held to it).

use crate::wizard::engine::Plan;

/// The plan as JSON, as both engines produce it.
pub fn json(plan: &Plan) -> String {
    serde_json::to_string_pretty(plan).expect("plans serialize") + "\n"
}
