// The page of every printed report (A4): margins, colours, a writer that keeps the vertical
// position and breaks pages, simple tables, and the footer stamped on every page.
import PDFDocument from 'pdfkit';
import { pdfSafe } from './pdf-text.js';

export type Doc = typeof PDFDocument;

export const PAGE = { width: 595.28, height: 841.89 };
export const MARGIN = { top: 40, left: 40, right: 40, bottom: 56 };
export const CONTENT_WIDTH = PAGE.width - MARGIN.left - MARGIN.right;
export const BOTTOM = PAGE.height - MARGIN.bottom;
export const COLOUR = { text: '#000000', muted: '#555555', rule: '#999999', header: '#e6e6e6', stripe: '#f5f5f5', high: '#b00020', low: '#0047b3' };

/** A buffered A4 document, and its bytes once ended. */
export function newDocument(info: PDFKit.DocumentInfo): { doc: Doc; done: Promise<Buffer> } {
  const doc: Doc = new PDFDocument({ size: 'A4', margins: MARGIN, bufferPages: true, info, lang: 'en' });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  return { doc, done };
}

/** Keeps the vertical position and starts a new page when the next block does not fit. */
export class Writer {
  y = MARGIN.top;
  constructor(readonly doc: Doc) {}

  ensure(height: number): boolean {
    if (this.y + height <= BOTTOM) return false;
    this.doc.addPage();
    this.y = MARGIN.top;
    return true;
  }

  text(s: string, x: number, width: number, opts: { font?: string; size?: number; colour?: string; align?: 'left' | 'right' | 'center' } = {}): number {
    const d = this.doc;
    d.font(opts.font ?? 'Helvetica')
      .fontSize(opts.size ?? 9)
      .fillColor(opts.colour ?? COLOUR.text);
    const t = pdfSafe(s);
    const h = d.heightOfString(t, { width });
    d.text(t, x, this.y, { width, align: opts.align ?? 'left' });
    return h;
  }

  heading(s: string, size = 11, keepWith = 0): void {
    this.ensure(size + 8 + keepWith);
    this.y += this.text(s, MARGIN.left, CONTENT_WIDTH, { font: 'Helvetica-Bold', size }) + 3;
  }

  rule(): void {
    this.doc
      .moveTo(MARGIN.left, this.y)
      .lineTo(PAGE.width - MARGIN.right, this.y)
      .lineWidth(0.5)
      .strokeColor(COLOUR.rule)
      .stroke();
    this.y += 6;
  }
}

export interface Column {
  title: string;
  width: number;
  align?: 'left' | 'right';
}

/** A table with its header repeated on each new page, rows striped. */
export function table(w: Writer, columns: Column[], rows: string[][], size = 7.5): void {
  const rowH = size + 5;
  const head = () => {
    w.doc.rect(MARGIN.left, w.y, CONTENT_WIDTH, rowH).fillColor(COLOUR.header).fill();
    row(columns.map((c) => c.title), 'Helvetica-Bold');
  };
  const row = (cells: string[], font = 'Helvetica') => {
    let x = MARGIN.left;
    cells.forEach((cell, i) => {
      w.text(cell, x + 3, columns[i].width - 6, { font, size, align: columns[i].align ?? 'left' });
      x += columns[i].width;
    });
    w.y += rowH;
  };
  w.ensure(rowH * 2);
  head();
  rows.forEach((r, i) => {
    if (w.ensure(rowH)) head();
    if (i % 2 === 1) w.doc.rect(MARGIN.left, w.y, CONTENT_WIDTH, rowH).fillColor(COLOUR.stripe).fill();
    row(r);
  });
  w.y += 4;
}

/** The disclaimer, who the report is about, and the page number, below every page. */
export function stampFooters(doc: Doc, disclaimer: string, who: string): void {
  const range = doc.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    // below the bottom margin pdfkit would start a new page for the text; the footer lives there
    const bottom = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    const y = PAGE.height - MARGIN.bottom + 10;
    doc.moveTo(MARGIN.left, y - 4).lineTo(PAGE.width - MARGIN.right, y - 4).lineWidth(0.5).strokeColor(COLOUR.rule).stroke();
    doc.font('Helvetica').fontSize(7).fillColor(COLOUR.muted);
    doc.text(pdfSafe(disclaimer), MARGIN.left, y, { width: CONTENT_WIDTH - 70 });
    doc.text(pdfSafe(`${who} - page ${i - range.start + 1} of ${range.count}`), MARGIN.left, y + 20, { width: CONTENT_WIDTH, lineBreak: false });
    doc.page.margins.bottom = bottom;
  }
}
