//! Small, valid one-page PDFs for the demo's documents, made here so the demo needs no files of its
//! own: each page says in one line what the document stands for. They pass the upload's PDF check
//! (a cross-reference table with the right offsets, a catalogue, a page tree with one page).

/// A one-page PDF whose page reads `title` (printable ASCII only; anything else becomes a space).
pub fn one_page(title: &str) -> Vec<u8> {
    let line: String = title
        .chars()
        .map(|c| match c {
            ' '..='~' if !matches!(c, '(' | ')' | '\\') => c,
            _ => ' ',
        })
        .collect();
    let content = format!("BT /F1 16 Tf 72 760 Td ({line}) Tj ET");
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_owned(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_owned(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R \
         /Resources << /Font << /F1 5 0 R >> >> >>"
            .to_owned(),
        format!(
            "<< /Length {} >>\nstream\n{content}\nendstream",
            content.len()
        ),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_owned(),
    ];
    let mut out = b"%PDF-1.7\n".to_vec();
    let mut offsets = Vec::new();
    for (i, body) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n{body}\nendobj\n", i + 1).as_bytes());
    }
    let xref = out.len();
    let size = objects.len() + 1;
    out.extend_from_slice(format!("xref\n0 {size}\n0000000000 65535 f \n").as_bytes());
    for offset in offsets {
        out.extend_from_slice(format!("{offset:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!("trailer\n<< /Size {size} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n").as_bytes(),
    );
    out
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;
    use crate::services::application::documents::parses_as_pdf;

    #[test]
    fn the_demo_pdf_passes_the_uploads_check_and_a_truncated_one_does_not() {
        let pdf = one_page("Articles of association (Hanbit Bank)");
        let mut file = tempfile::NamedTempFile::new().unwrap();
        file.write_all(&pdf).unwrap();
        assert!(parses_as_pdf(file.path()));
        let doc = lopdf::Document::load_mem(&pdf).unwrap();
        assert_eq!(doc.get_pages().len(), 1);
        let mut cut = tempfile::NamedTempFile::new().unwrap();
        cut.write_all(&pdf[..pdf.len() / 2]).unwrap();
        assert!(!parses_as_pdf(cut.path()));
    }
}
