// Draws the radiograph and the tracing onto a PDF page: the image scaled into a box, the lines
// and landmarks over it as vectors (sharp when printed or zoomed), and a legend for the symbols.
// Points are coloured as in the viewer (src-shared/landmark-bands.ts); and so that they read apart
// in a grey-scale print too, model points are filled dots, hand-placed points hollow squares, and
// flagged points get a ring and a '?' after their name.
import type PDFDocument from 'pdfkit';
import type { EncodedImage } from './radiograph-image.js';
import { BAND_COLOUR, BAND_LEGEND } from '../../src-shared/landmark-bands.js';
import { pdfSafe } from './pdf-text.js';
import type { TracingScene } from './tracing-scene.js';

type Doc = typeof PDFDocument;

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}


/** The largest box of the image's aspect ratio inside `area`, top-left aligned. */
export function fitImage(imageWidth: number, imageHeight: number, area: Box): Box {
  const s = Math.min(area.width / imageWidth, area.height / imageHeight);
  return { x: area.x, y: area.y, width: imageWidth * s, height: imageHeight * s };
}

/**
 * `original` is the size of the image the landmark coordinates refer to; the embedded JPEG may be
 * smaller, it is stretched to the same box.
 */
export function drawTracedImage(doc: Doc, image: EncodedImage, original: { width: number; height: number }, scene: TracingScene, box: Box): void {
  const s = box.width / original.width;
  const px = (x: number) => box.x + x * s;
  const py = (y: number) => box.y + y * s;

  doc.save();
  doc.rect(box.x, box.y, box.width, box.height).clip();
  doc.image(image.data, box.x, box.y, { width: box.width, height: box.height });

  for (const line of scene.lines) {
    doc
      .moveTo(px(line.a.x), py(line.a.y))
      .lineTo(px(line.b.x), py(line.b.y))
      .lineWidth(0.7)
      .strokeOpacity(0.9)
      .strokeColor(line.colour);
    if (line.kind === 'plane') doc.dash(3, { space: 1.5 });
    doc.stroke().undash();
  }

  doc.font('Helvetica').fontSize(5.5);
  for (const p of scene.points) {
    const x = px(p.x);
    const y = py(p.y);
    doc.strokeOpacity(1).fillOpacity(1);
    const colour = BAND_COLOUR[p.band];
    if (p.source === 'hand') {
      doc.rect(x - 2, y - 2, 4, 4).lineWidth(0.9).strokeColor(colour).stroke();
    } else {
      doc.circle(x, y, 1.6).lineWidth(0.4).fillColor(colour).strokeColor('#000000').fillAndStroke();
    }
    if (p.lowConfidence) doc.circle(x, y, 4.2).lineWidth(0.8).strokeColor(colour).stroke();

    const label = pdfSafe(p.lowConfidence ? `${p.abbreviation}?` : p.abbreviation);
    const w = doc.widthOfString(label);
    // a dark patch behind the label keeps it legible on bright bone
    doc.rect(x + 3, y - 8, w + 2, 6.5).fillOpacity(0.55).fillColor('#000000').fill();
    doc
      .fillOpacity(1)
      .fillColor(p.band === 'sure' ? '#ffffff' : BAND_COLOUR[p.band])
      .text(label, x + 4, y - 7, { lineBreak: false });
  }
  doc.restore();
  doc.rect(box.x, box.y, box.width, box.height).lineWidth(0.5).strokeColor('#444444').stroke();
}

/** Symbol and line legend in a column; returns the y below it. */
export function drawLegend(doc: Doc, scene: TracingScene, x: number, y: number, width: number): number {
  const row = 11;
  doc.font('Helvetica-Bold').fontSize(8).fillColor('#000000').text('Tracing legend', x, y, { width, lineBreak: false });
  y += row + 2;
  doc.font('Helvetica').fontSize(7.5);

  const symbol = (draw: () => void, text: string) => {
    doc.save();
    draw();
    doc.restore();
    doc.fillColor('#000000').text(pdfSafe(text), x + 14, y - 1, { width: width - 14, lineBreak: false });
    y += row;
  };
  // symbols on a dark chip, as they appear on the radiograph
  const chip = () => doc.rect(x, y - 2.5, 10, 9).fillColor('#202020').fill();
  symbol(() => {
    chip();
    doc.circle(x + 5, y + 2, 1.6).lineWidth(0.4).fillColor(BAND_COLOUR.sure).strokeColor('#000000').fillAndStroke();
  }, `model: ${BAND_LEGEND.sure}`);
  symbol(() => {
    chip();
    doc.circle(x + 5, y + 2, 1.6).lineWidth(0.4).fillColor(BAND_COLOUR.check).strokeColor('#000000').fillAndStroke();
  }, `model: ${BAND_LEGEND.check}`);
  symbol(() => {
    chip();
    doc.circle(x + 5, y + 2, 1.6).fillColor(BAND_COLOUR.review).fill();
    doc.circle(x + 5, y + 2, 4).lineWidth(0.8).strokeColor(BAND_COLOUR.review).stroke();
  }, `${BAND_LEGEND.review} (name ends in ?)`);
  symbol(() => {
    chip();
    doc.rect(x + 3, y, 4, 4).lineWidth(0.9).strokeColor(BAND_COLOUR.hand).stroke();
  }, BAND_LEGEND.hand);

  y += 4;
  for (const line of scene.lines) {
    symbol(() => {
      doc.rect(x, y - 2.5, 10, 9).fillColor('#202020').fill();
      doc.moveTo(x + 1, y + 2).lineTo(x + 9, y + 2).lineWidth(1.2).strokeColor(line.colour);
      if (line.kind === 'plane') doc.dash(2, { space: 1 });
      doc.stroke().undash();
    }, line.label);
  }
  return y;
}
