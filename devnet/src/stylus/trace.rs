//! Nitro's `stylusTracer` (execution/gethexec/stylus_tracer.go): every hostio a Stylus program
//! calls, with its operands packed big-endian as cargo-stylus's `core/tracing/frame.rs` decodes
//! them, and the ink before and after it; every call frame below the transaction's own, named
//! `evm_<kind>` with its callee and the steps inside it. A program's `call_contract` (and the
//! delegate and static kinds) takes over the `evm_` entry its call opened, so the callee's steps
//! nest under the hostio; its creates leave the `evm_create1`/`evm_create2` entry and add their
//! own after it, as Nitro does.
//!
//! The tracer is off unless a trace was asked for ([`super::StylusState::start_trace`]); off, the
//! frame loop and the hostios only test that it is off.

use revm::interpreter::CallScheme;
use revm::primitives::{Address, Bytes};
use serde::Serialize;
use std::mem;

/// One traced step: a hostio, or a call frame (`evm_*`) with its own steps.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct HostioTrace {
    pub name: String,
    /// Operands, packed big-endian.
    pub args: Bytes,
    /// Results, packed big-endian.
    pub outs: Bytes,
    pub start_ink: u64,
    pub end_ink: u64,
    /// The callee of a call frame or call hostio.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address: Option<Address>,
    /// What the callee did.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub steps: Option<Vec<HostioTrace>>,
}

/// The kind of a call frame, as Nitro names it after the opcode that opened it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FrameKind {
    Call(CallScheme),
    Create,
    Create2,
}

impl FrameKind {
    /// Nitro's name; a CALLCODE frame has none (its tracer names only these five).
    fn name(self) -> &'static str {
        match self {
            FrameKind::Call(CallScheme::Call) => "evm_call_contract",
            FrameKind::Call(CallScheme::DelegateCall) => "evm_delegate_call_contract",
            FrameKind::Call(CallScheme::StaticCall) => "evm_static_call_contract",
            FrameKind::Call(CallScheme::CallCode) => "",
            FrameKind::Create => "evm_create1",
            FrameKind::Create2 => "evm_create2",
        }
    }
}

/// The steps recorded so far: the open list and, for each frame entered, its parent's list.
#[derive(Debug, Default)]
pub struct Tracer {
    open: Vec<HostioTrace>,
    parents: Vec<Vec<HostioTrace>>,
}

impl Tracer {
    /// A call frame below the top one starts: its steps go into a new list.
    pub fn enter(&mut self, kind: FrameKind, to: Address) {
        self.open.push(HostioTrace {
            name: kind.name().to_string(),
            args: Bytes::new(),
            outs: Bytes::new(),
            start_ink: 0,
            end_ink: 0,
            address: Some(to),
            steps: None,
        });
        let parent = mem::take(&mut self.open);
        self.parents.push(parent);
    }

    /// The innermost frame entered ended; the top frame's end (no frame entered) changes nothing.
    pub fn exit(&mut self) {
        let Some(mut parent) = self.parents.pop() else {
            return;
        };
        let steps = mem::take(&mut self.open);
        if let Some(entry) = parent.last_mut() {
            entry.steps = Some(steps);
        }
        self.open = parent;
    }

    /// A hostio returned. A call hostio (`callee` set) replaces the `evm_` entry its call frame
    /// left, taking the callee and steps from it.
    pub fn hostio(
        &mut self,
        name: &str,
        args: Vec<u8>,
        outs: Vec<u8>,
        ink: (u64, u64),
        callee: Option<Address>,
    ) {
        let mut step = HostioTrace {
            name: name.to_string(),
            args: args.into(),
            outs: outs.into(),
            start_ink: ink.0,
            end_ink: ink.1,
            address: None,
            steps: None,
        };
        if let Some(callee) = callee {
            let frame = self
                .open
                .last()
                .is_some_and(|last| last.name.strip_prefix("evm_") == Some(name));
            // A call refused before any frame opened (too little gas for its base cost) has
            // no entry to take over: it ran nothing.
            let (address, steps) = match frame.then(|| self.open.pop()).flatten() {
                Some(entry) => (entry.address, entry.steps),
                None => (Some(callee), Some(Vec::new())),
            };
            step.address = address;
            step.steps = steps.or_else(|| Some(Vec::new()));
        }
        self.open.push(step);
    }

    /// The trace of the whole transaction.
    pub fn finish(mut self) -> Vec<HostioTrace> {
        while !self.parents.is_empty() {
            self.exit();
        }
        self.open
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn call_hostios_take_over_the_frame_their_call_opened() {
        let (a, b) = (Address::repeat_byte(0xa), Address::repeat_byte(0xb));
        let mut tracer = Tracer::default();
        tracer.hostio("read_args", vec![], vec![1], (100, 90), None);
        tracer.enter(FrameKind::Call(CallScheme::StaticCall), a);
        tracer.hostio("msg_sender", vec![], vec![2; 20], (50, 40), None);
        tracer.enter(FrameKind::Create, b);
        tracer.exit();
        tracer.exit();
        tracer.hostio("static_call_contract", vec![3], vec![4], (90, 60), Some(a));
        let trace = tracer.finish();
        assert_eq!(trace.len(), 2);
        let call = &trace[1];
        assert_eq!(call.name, "static_call_contract");
        assert_eq!(call.address, Some(a));
        let steps = call.steps.as_ref().unwrap();
        assert_eq!(steps[0].name, "msg_sender");
        assert_eq!(steps[1].name, "evm_create1");
        assert_eq!(steps[1].steps, Some(Vec::new()));
        let json = serde_json::to_value(&trace[0]).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"name": "read_args", "args": "0x", "outs": "0x01", "startInk": 100, "endInk": 90})
        );
    }

    #[test]
    fn a_call_without_a_frame_still_names_its_callee() {
        let mut tracer = Tracer::default();
        let a = Address::repeat_byte(0xa);
        tracer.hostio("call_contract", vec![], vec![], (9, 8), Some(a));
        let trace = tracer.finish();
        assert_eq!(trace[0].address, Some(a));
        assert_eq!(trace[0].steps, Some(Vec::new()));
    }
}
