//! Where the signing key comes from: a raw key in an environment variable (CI, the local node) or
//! an encrypted keystore file (the format `cast wallet import` and geth write) unlocked by a
//! password typed at a prompt. The key and the password are never printed, logged or part of an
//! error message.

use crate::Error;
use alloy_signer_local::PrivateKeySigner;
use std::path::Path;

/// The environment variable that holds a raw private key.
pub const KEY_VAR: &str = "VIGIL_PRIVATE_KEY";
/// The keystore's password for scripts that have no terminal to type it into.
pub const PASSWORD_VAR: &str = "VIGIL_KEYSTORE_PASSWORD";

/// The signer: the keystore when one is named, else the key in [`KEY_VAR`].
pub fn signer(keystore: Option<&Path>) -> Result<PrivateKeySigner, Error> {
    match keystore {
        Some(path) => unlock(path),
        None => from_env(),
    }
}

/// The key in [`KEY_VAR`].
pub fn from_env() -> Result<PrivateKeySigner, Error> {
    let key = std::env::var(KEY_VAR).map_err(|_| Error::MissingKey(KEY_VAR))?;
    parse_key(&key)
}

/// `0x` and 64 hex digits (the prefix optional).
pub fn parse_key(key: &str) -> Result<PrivateKeySigner, Error> {
    let digits = key.trim();
    let digits = digits.strip_prefix("0x").unwrap_or(digits);
    if digits.len() != 64 || !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(Error::BadKey(KEY_VAR));
    }
    digits
        .parse::<PrivateKeySigner>()
        .map_err(|_| Error::BadKey(KEY_VAR))
}

/// Decrypts the keystore at `path` with the password from [`PASSWORD_VAR`] or, when that is
/// unset, typed at the terminal without echo.
fn unlock(path: &Path) -> Result<PrivateKeySigner, Error> {
    if !path.is_file() {
        return Err(Error::Keystore {
            path: path.to_owned(),
            problem: "no such file".into(),
        });
    }
    let password = match std::env::var(PASSWORD_VAR) {
        Ok(password) => password,
        Err(_) => rpassword::prompt_password(format!("password for {}: ", path.display()))
            .map_err(|e| Error::Keystore {
                path: path.to_owned(),
                problem: format!(
                    "cannot read the password from the terminal ({e}); set {PASSWORD_VAR} \
                     when there is none"
                ),
            })?,
    };
    PrivateKeySigner::decrypt_keystore(path, password).map_err(|e| Error::Keystore {
        path: path.to_owned(),
        problem: match e {
            alloy_signer_local::LocalSignerError::EthKeystoreError(
                eth_keystore::KeystoreError::MacMismatch,
            ) => "wrong password".into(),
            other => format!("not a keystore this command can open ({other})"),
        },
    })
}
