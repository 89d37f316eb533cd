//! JSON-RPC over HTTP, as a load generator needs it: one connection pool per client, single calls
//! and batches, and errors that name the method and the node's own answer.

use serde_json::{json, Value};
use thiserror::Error;

#[derive(Debug, Error)]
pub enum RpcError {
    #[error("{method} to {url}: {source}")]
    Transport {
        method: String,
        url: String,
        source: reqwest::Error,
    },
    #[error("{method}: the node answered {error}")]
    Node { method: String, error: Value },
    #[error("{method}: unexpected answer {answer}")]
    Shape { method: String, answer: Value },
}

/// One client of one node: its own connection pool, so concurrent clients do not share sockets.
#[derive(Clone)]
pub struct Rpc {
    http: reqwest::Client,
    url: String,
}

impl Rpc {
    pub fn new(url: &str) -> Self {
        Self {
            http: reqwest::Client::new(),
            url: url.to_string(),
        }
    }

    pub fn url(&self) -> &str {
        &self.url
    }

    async fn post(&self, method: &str, body: Value) -> Result<Value, RpcError> {
        let transport = |source| RpcError::Transport {
            method: method.to_string(),
            url: self.url.clone(),
            source,
        };
        self.http
            .post(&self.url)
            .json(&body)
            .send()
            .await
            .map_err(transport)?
            .json()
            .await
            .map_err(transport)
    }

    /// The result of one call; a JSON-RPC error is an error.
    pub async fn call(&self, method: &str, params: Value) -> Result<Value, RpcError> {
        let body = json!({"jsonrpc": "2.0", "id": 1, "method": method, "params": params});
        let mut answer = self.post(method, body).await?;
        result(method, &mut answer)
    }

    /// The results of one batch of calls to `method`, in the order of `params`.
    pub async fn batch(&self, method: &str, params: &[Value]) -> Result<Vec<Value>, RpcError> {
        let body: Vec<Value> = params
            .iter()
            .enumerate()
            .map(|(id, p)| json!({"jsonrpc": "2.0", "id": id, "method": method, "params": p}))
            .collect();
        let answer = self.post(method, Value::Array(body)).await?;
        let shape = || RpcError::Shape {
            method: method.to_string(),
            answer: answer.clone(),
        };
        let mut answers = answer.as_array().cloned().ok_or_else(shape)?;
        if answers.len() != params.len() {
            return Err(shape());
        }
        // A batch's answers may come in any order; the ids say which is which.
        answers.sort_by_key(|a| a["id"].as_u64());
        answers.iter_mut().map(|a| result(method, a)).collect()
    }

    /// A quantity result (`0x`-hex) as a number.
    pub async fn quantity(&self, method: &str, params: Value) -> Result<u128, RpcError> {
        let answer = self.call(method, params).await?;
        quantity(&answer).ok_or_else(|| RpcError::Shape {
            method: method.to_string(),
            answer,
        })
    }
}

fn result(method: &str, answer: &mut Value) -> Result<Value, RpcError> {
    if let Some(error) = answer.get("error") {
        return Err(RpcError::Node {
            method: method.to_string(),
            error: error.clone(),
        });
    }
    match answer.get_mut("result") {
        Some(result) => Ok(result.take()),
        None => Err(RpcError::Shape {
            method: method.to_string(),
            answer: answer.clone(),
        }),
    }
}

/// `0x`-hex as a number.
pub fn quantity(value: &Value) -> Option<u128> {
    let text = value.as_str()?.strip_prefix("0x")?;
    u128::from_str_radix(text, 16).ok()
}
