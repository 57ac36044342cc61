//! The home page: what the portal is for, and the ways in.

use askama::Template;
use askama_web::WebTemplate;

use crate::web::PageContext;

#[derive(Template, WebTemplate)]
#[template(path = "home/index.html")]
pub struct HomePage {
    ctx: PageContext,
}

pub async fn show(ctx: PageContext) -> HomePage {
    HomePage { ctx }
}
