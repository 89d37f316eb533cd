//! `vigil watch`: a reporter agent that follows the chain block by block, runs detectors on every
//! transaction, and reports what they find to the registry with its own stake.

pub mod detect;
pub mod view;
