//! States and kinds that are stored, sent in forms and logged as short text codes. `coded!` declares
//! such an enum with each code written once, so that writing and reading a code cannot disagree:
//! `as_str` gives the code, `FromStr` accepts it and refuses any other text.

/// Text that names no value of the enum it was read as: from a form, a refusal; from the database,
/// an error (a row this version cannot read), never a fallback to some default.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {kind} code {code:?}")]
pub struct UnknownCode {
    pub kind: &'static str,
    pub code: String,
}

/// Declares a coded enum: `Variant => "code",` once per value, in the order forms offer them.
macro_rules! coded {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident {
            $( $(#[$variant_meta:meta])* $variant:ident => $code:literal, )+
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        $vis enum $name {
            $( $(#[$variant_meta])* $variant, )+
        }

        impl $name {
            /// Every value, in the order of declaration.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The code it is stored, sent and logged as.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $code,)+
                }
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = $crate::domain::code::UnknownCode;

            fn from_str(code: &str) -> Result<Self, Self::Err> {
                match code {
                    $($code => Ok($name::$variant),)+
                    _ => Err($crate::domain::code::UnknownCode {
                        kind: stringify!($name),
                        code: code.to_owned(),
                    }),
                }
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

pub(crate) use coded;

/// A coded value that people choose or read: its code, and the catalogue key of its name, so that
/// forms and tables name it in the reader's language without building keys from codes.
pub trait Labelled: Copy {
    fn code(self) -> &'static str;
    fn label_key(self) -> &'static str;
}
