// A copy of the shipped model (card and ONNX file) in a folder of the test's own, to break or
// edit without touching models/.
import fs from 'node:fs';
import path from 'node:path';
import { findModelCard } from '../../src-main/inference/model.js';

/** Copies the card (edited by `edit`, when given), its ONNX file and the companion models it names
 *  (the orientation check, the second stage) into `dir`; returns the copied card's path and the ONNX file's. */
export function copyShippedModel(dir: string, edit?: (card: Record<string, any>) => void): { cardPath: string; onnxPath: string } {
  const source = findModelCard();
  const card = JSON.parse(fs.readFileSync(source, 'utf8'));
  edit?.(card);
  fs.mkdirSync(dir, { recursive: true });
  const cardPath = path.join(dir, path.basename(source));
  const onnxPath = path.join(dir, card.file);
  fs.writeFileSync(cardPath, JSON.stringify(card));
  fs.copyFileSync(path.join(path.dirname(source), card.file), onnxPath);
  // the companions the card (as edited) still names: their cards and networks
  const from = path.dirname(source);
  for (const companion of [card.checks?.orientation?.card, card.refine?.card]) {
    if (!companion) continue;
    fs.copyFileSync(path.join(from, companion), path.join(dir, companion));
    const onnx = JSON.parse(fs.readFileSync(path.join(from, companion), 'utf8')).file;
    fs.copyFileSync(path.join(from, onnx), path.join(dir, onnx));
  }
  return { cardPath, onnxPath };
}
