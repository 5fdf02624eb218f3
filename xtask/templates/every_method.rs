//! Every method of every resource, called as the resource API documents it
//! (the standalone workspace's version: `cargo xtask generate --out` writes
//! it; the project's own runs the calls against its mock).
//!
//! The calls are written from the spec by `cargo xtask generate` into
//! `src/generated/every_method.rs`, declared below as a module; each one is
//! a closure that is never run, so this example sends nothing. That it
//! compiles (`cargo check --examples`) shows the whole resource layer is
//! callable as its docs say: ids as strings, bodies as their types.

use cozmox_client::Client;

#[rustfmt::skip] // formatted by the generator (prettyplease), not by rustfmt
#[path = "../src/generated/every_method.rs"]
mod every_method;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = Client::builder()
        .api_key("sk-example")
        .base_url("https://api.example.com")
        .build()?;
    every_method::every_method(&client);
    Ok(())
}
