//! Pass `runtime-encode-path` (see [`PASSES`](super::PASSES)): the client's
//! operations build their URLs with the client runtime's `encode_path`
//! instead of progenitor's.
//!
//! progenitor's `encode_path` leaves `\` as it is, and the URL parser reads
//! `\` as `/` in http(s) URLs and then resolves dot segments, so a path
//! parameter `mine\..\victim` sent a request to another resource
//! (`DELETE /session/victim`). The runtime's encodes every byte but the
//! unreserved characters. progenitor has no setting for the function its
//! operations call; they call it by the name the file imports at its top
//! (and the `builder` module takes from `super`), so the pass swaps that one
//! import. Returns whether it did.

use syn::{Item, UseTree};

/// Import `encode_path` from `runtime_module` (the client runtime's module,
/// e.g. `crate::runtime`) instead of `progenitor_client`. Returns whether it
/// found progenitor's import.
pub fn runtime_encode_path(file: &mut syn::File, runtime_module: &syn::Path) -> bool {
    let Some(at) = file.items.iter().position(
        |item| matches!(item, Item::Use(u) if imports_from_progenitor(&u.tree, "encode_path")),
    ) else {
        return false;
    };
    let Item::Use(import) = &mut file.items[at] else {
        return false;
    };
    drop_name(&mut import.tree, "encode_path");
    file.items.insert(
        at + 1,
        syn::parse_quote! {
            /// Path parameters are encoded by the client runtime (every byte but the
            /// unreserved characters), not by progenitor, which leaves `\`.
            #[allow(unused_imports)]
            use #runtime_module::encode_path;
        },
    );
    true
}

/// Whether `tree` is `progenitor_client::{…, name, …}` (or `::name`).
fn imports_from_progenitor(tree: &UseTree, name: &str) -> bool {
    let UseTree::Path(path) = tree else {
        return false;
    };
    if path.ident != "progenitor_client" {
        return false;
    }
    match &*path.tree {
        UseTree::Name(n) => n.ident == name,
        UseTree::Group(group) => group
            .items
            .iter()
            .any(|item| matches!(item, UseTree::Name(n) if n.ident == name)),
        _ => false,
    }
}

/// Remove `name` from the group of `progenitor_client::{…}`.
fn drop_name(tree: &mut UseTree, name: &str) {
    let UseTree::Path(path) = tree else { return };
    match &mut *path.tree {
        UseTree::Group(group) => {
            group.items = std::mem::take(&mut group.items)
                .into_iter()
                .filter(|item| !matches!(item, UseTree::Name(n) if n.ident == name))
                .collect();
        }
        UseTree::Name(_) => {
            *path.tree = UseTree::Group(syn::UseGroup {
                brace_token: syn::token::Brace::default(),
                items: syn::punctuated::Punctuated::new(),
            });
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::quote;

    #[test]
    fn operations_call_the_runtimes_encode_path() {
        let mut file: syn::File = syn::parse2(quote! {
            #[allow(unused_imports)]
            use progenitor_client::{encode_path, ClientHooks, OperationInfo};
            pub mod builder {
                use super::{encode_path, ClientHooks};
            }
        })
        .unwrap();
        let module: syn::Path = syn::parse_quote!(crate::runtime);
        assert!(runtime_encode_path(&mut file, &module));
        let text = crate::pipeline::passes::testing::text(&file);
        assert!(
            text.contains("useprogenitor_client::{ClientHooks,OperationInfo};"),
            "{text}"
        );
        assert!(text.contains("usecrate::runtime::encode_path;"), "{text}");
        // The builder module keeps taking it from `super`.
        assert!(
            text.contains("usesuper::{encode_path,ClientHooks};"),
            "{text}"
        );
        // Nothing to do the second time.
        assert!(!runtime_encode_path(&mut file, &module));
    }
}
