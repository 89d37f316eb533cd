//! Build script of every contract crate (`build = "../wasm-stack.rs"`): shrinks the wasm shadow
//! stack from rustc's default 1 MiB to 32 KiB, whichever way the crate is built (our script or
//! cargo-stylus).
//!
//! A Stylus call pays for the program's whole initial memory (its "footprint") beyond the two
//! pages a transaction gets free, at 1,000+ gas a page: with the default stack a contract's
//! footprint is 17 pages and every call pays ~15,000 gas for memory it never touches. The deepest
//! call of either contract needs a few KiB; rustc puts the stack first in memory, so an overflow
//! would trap (below address 0) rather than overwrite data.

fn main() {
    if std::env::var("CARGO_CFG_TARGET_ARCH").as_deref() == Ok("wasm32") {
        println!("cargo:rustc-link-arg-cdylib=-zstack-size=32768");
    }
}
