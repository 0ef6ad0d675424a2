//! The setup wizard: `content/wizard.yaml` (questions, derived values, provider rules, plan
//! items, risks) checked at build time, and the engine that turns answers into a rollout plan.

pub mod condition;
pub mod definition;
pub mod schema;
