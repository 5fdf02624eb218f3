//! Pass `component-dispatch-macro` (see [`PASSES`](super::PASSES)): add
//! `with_component!`, which maps a component's name (as in the spec, or its
//! Rust name) to its type: `with_component!(name, f(args))` is
//! `Some(f::<Type>(args))`, or `None` for a name that is not a component. It
//! lets tools such as the decode example work on any component without the
//! library instantiating anything per component (a macro costs nothing until
//! it is used).

use std::collections::BTreeMap;

/// Add `with_component!`, which maps a component's name (as in the spec,
/// or its Rust name) to its type: `with_component!(name, f(args))` is
/// `Some(f::<Type>(args))`, or `None` for a name that is not a component.
/// It lets tools such as the decode example work on any component without
/// the library instantiating anything per component (a macro costs nothing
/// until it is used).
pub fn component_dispatch_macro(file: &mut syn::File, names: &BTreeMap<String, String>) {
    let arms = names.iter().map(|(component, rust)| {
        let ty = syn::Ident::new(rust, proc_macro2::Span::call_site());
        let pattern = if component == rust {
            quote::quote!(#component)
        } else {
            quote::quote!(#component | #rust)
        };
        quote::quote!(#pattern => ::std::option::Option::Some($f::<$crate::#ty>($($arg),*)),)
    });
    let listed = names.keys();
    file.items.push(syn::parse_quote! {
        /// `with_component!(name, f(args))`: `Some(f::<T>(args))` where `T` is
        /// the type of the component called `name` (its name in the spec or
        /// in Rust), `None` if there is none. `with_component!(@names)` lists
        /// the components.
        #[macro_export]
        macro_rules! with_component {
            (@names) => { &[#(#listed),*] };
            ($name:expr, $f:ident($($arg:expr),* $(,)?)) => {
                match $name {
                    #(#arms)*
                    _ => ::std::option::Option::None,
                }
            };
        }
    });
}
