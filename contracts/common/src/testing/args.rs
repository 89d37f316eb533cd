//! Structured ABI arguments for property tests: well-formed calls drawn from pools of useful
//! values, occasionally corrupted.

use alloc::{string::String, vec, vec::Vec};

use alloy_primitives::{Address, FixedBytes, B256, U256};
use proptest::prelude::*;

use crate::{abi::Word, router::Route};

/// Values property tests draw arguments from: known accounts and words (subjects, selectors...)
/// make calls that get past access checks and find state; random ones cover the rest.
#[derive(Clone, Debug, Default)]
pub struct Pools {
    pub addresses: Vec<Address>,
    pub words: Vec<B256>,
    pub selectors: Vec<FixedBytes<4>>,
}

/// Well-formed ABI arguments (the bytes after the selector) for `route`, drawn from `pools`.
/// One call in eight has one word corrupted (a dirty padding byte or a huge offset), so the
/// routers' rejections are compared as well as their successes.
pub fn args(route: &Route, pools: &Pools) -> BoxedStrategy<Vec<u8>> {
    let types: Vec<String> = route.args.clone();
    let values: Vec<BoxedStrategy<Value>> = types.iter().map(|t| value(t, pools)).collect();
    (values, 0u8..8, any::<prop::sample::Index>(), any::<u8>())
        .prop_map(|(values, corrupt, at, byte)| {
            let mut data = encode(&values);
            if corrupt == 0 && !data.is_empty() {
                let i = at.index(data.len());
                data[i] = data[i].wrapping_add(byte | 1);
            }
            data
        })
        .boxed()
}

/// A generated argument: static words, or a dynamic array / `bytes`.
#[derive(Clone, Debug)]
enum Value {
    Static(Vec<B256>),
    Array(Vec<B256>),
    Bytes(Vec<u8>),
}

fn encode(values: &[Value]) -> Vec<u8> {
    let head_words: usize = values
        .iter()
        .map(|v| match v {
            Value::Static(ws) => ws.len(),
            _ => 1,
        })
        .sum();
    let (mut head, mut tail) = (Vec::new(), Vec::new());
    for v in values {
        match v {
            Value::Static(ws) => ws.iter().for_each(|w| head.extend_from_slice(w.as_slice())),
            Value::Array(items) => {
                head.extend_from_slice(((32 * head_words + tail.len()) as u64).word().as_slice());
                tail.extend_from_slice(items.len().word().as_slice());
                items
                    .iter()
                    .for_each(|w| tail.extend_from_slice(w.as_slice()));
            }
            Value::Bytes(bytes) => {
                head.extend_from_slice(((32 * head_words + tail.len()) as u64).word().as_slice());
                tail.extend_from_slice(bytes.len().word().as_slice());
                tail.extend_from_slice(bytes);
                tail.resize(tail.len().div_ceil(32) * 32, 0);
            }
        }
    }
    head.extend(tail);
    head
}

fn value(ty: &str, pools: &Pools) -> BoxedStrategy<Value> {
    if let Some(item) = ty.strip_suffix("[]") {
        let item = word(item, pools);
        return prop::collection::vec(item, 0..4)
            .prop_map(Value::Array)
            .boxed();
    }
    if ty == "bytes" {
        return prop::collection::vec(any::<u8>(), 0..70)
            .prop_map(Value::Bytes)
            .boxed();
    }
    if let Some(fields) = ty.strip_prefix('(').and_then(|t| t.strip_suffix(')')) {
        let fields: Vec<BoxedStrategy<B256>> = fields.split(',').map(|f| word(f, pools)).collect();
        return fields.prop_map(Value::Static).boxed();
    }
    word(ty, pools).prop_map(|w| Value::Static(vec![w])).boxed()
}

/// One static word of Solidity type `ty`.
fn word(ty: &str, pools: &Pools) -> BoxedStrategy<B256> {
    fn pick<T: Clone + core::fmt::Debug + 'static>(
        pool: &[T],
        any: BoxedStrategy<T>,
    ) -> BoxedStrategy<T> {
        if pool.is_empty() {
            any
        } else {
            prop_oneof![3 => prop::sample::select(pool.to_vec()), 1 => any].boxed()
        }
    }
    match ty {
        "address" => pick(
            &pools.addresses,
            any::<[u8; 20]>().prop_map(Address::new).boxed(),
        )
        .prop_map(Word::word)
        .boxed(),
        "bytes32" => pick(&pools.words, any::<[u8; 32]>().prop_map(B256::new).boxed()),
        "bytes4" => pick(
            &pools.selectors,
            any::<[u8; 4]>().prop_map(FixedBytes).boxed(),
        )
        .prop_map(Word::word)
        .boxed(),
        "bool" => any::<bool>().prop_map(Word::word).boxed(),
        _ => {
            let bits: usize = ty
                .strip_prefix("uint")
                .and_then(|b| b.parse().ok())
                .unwrap_or_else(|| panic!("no generator for ABI type {ty}"));
            let max = if bits == 256 {
                U256::MAX
            } else {
                (U256::from(1) << bits) - U256::from(1)
            };
            prop_oneof![
                4 => (0u64..10).prop_map(U256::from),
                2 => any::<u64>().prop_map(move |v| U256::from(v) & max),
                1 => any::<[u8; 32]>().prop_map(move |b| U256::from_be_bytes(b) & max),
                1 => Just(max),
            ]
            .prop_map(Word::word)
            .boxed()
        }
    }
}

#[cfg(test)]
mod tests {
    use alloy_sol_types::SolType;

    use super::*;

    #[test]
    fn generated_arguments_decode_with_alloy() {
        let route = Route {
            selector: 0,
            name: "f",
            args: ["address", "(uint8,bool)", "bytes32[]", "bytes", "uint64"]
                .map(String::from)
                .to_vec(),
            payable: false,
        };
        use alloy_sol_types::sol_data::{Address as A, Array, Bool, Bytes, FixedBytes as F, Uint};
        type Args = (A, (Uint<8>, Bool), Array<F<32>>, Bytes, Uint<64>);
        let pools = Pools::default();
        let mut runner = proptest::test_runner::TestRunner::deterministic();
        let mut decoded = 0;
        for _ in 0..200 {
            let data = args(&route, &pools)
                .new_tree(&mut runner)
                .unwrap()
                .current();
            if <Args as SolType>::abi_decode_params_validate(&data).is_ok() {
                decoded += 1;
            }
        }
        // All but the deliberately corrupted ones (about one in eight).
        assert!(decoded > 150, "{decoded} of 200 decoded");
    }
}
