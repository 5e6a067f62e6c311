// The agreement statistics against R's psych package (Debian's r-cran-psych, installed by
// scripts/install.sh), on ISBI 2015's two annotators of test1, through the real CLI.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import type { TracingAgreement } from '../../src-shared/agreement/tracings.js';
import { readAnnotationFile } from '../../src-main/services/isbi-dataset.js';
import { cli, ISBI } from '../helpers/cli.js';
import { poppler } from '../reports/helpers.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'medsapiens-agreement-'));

function rscript(code: string): string {
  const r = spawnSync('Rscript', ['-e', code], { encoding: 'utf8' });
  assert.equal(r.status, 0, `Rscript failed (install r-cran-psych: scripts/install.sh): ${r.error ?? r.stderr}`);
  return r.stdout;
}

describe('agreement: ISBI test1, senior vs junior', () => {
  const out = path.join(tmp, 'agreement.json');
  const run = cli(['agreement', '--isbi', ISBI, '--split', 'test1', '--analyses', 'steiner,downs,mcnamara', '--json', out, '--csv', path.join(tmp, 'agreement.csv')]);
  assert.equal(run.status, 0, run.stderr);
  const r = JSON.parse(fs.readFileSync(out, 'utf8')) as TracingAgreement;

  it('pairs the 150 test1 images and measures every landmark in mm', () => {
    assert.equal(r.images, 150);
    assert.equal(r.distanceUnit, 'mm');
    assert.equal(r.landmarks.length, 19);
    // sella over test1's ids, straight from the two CSVs' numbers
    const senior = readAnnotationFile(path.join(ISBI, 'senior.csv'));
    const junior = readAnnotationFile(path.join(ISBI, 'junior.csv'));
    const ids = fs.readFileSync(path.join(ISBI, 'test1.txt'), 'utf8').split(/\s+/).filter(Boolean);
    const direct = ids.reduce((t, id) => t + Math.hypot(senior.get(id)![0].x - junior.get(id)![0].x, senior.get(id)![0].y - junior.get(id)![0].y) * 0.1, 0) / ids.length;
    const sella = r.landmarks.find((l) => l.id === 'sella')!;
    assert.equal(sella.n, 150);
    assert.ok(Math.abs(sella.meanDistance - direct) < 1e-9, `sella ${sella.meanDistance} vs ${direct}`);
    assert.ok(r.measures.length >= 10, `${r.measures.length} measures`);
    assert.match(run.stdout, /ICC\(2,1\)/);
    assert.match(fs.readFileSync(path.join(tmp, 'agreement.csv'), 'utf8'), /^kind,id,unit,n,/);
  });

  it('prints the tables and one Bland-Altman plot per measure', () => {
    const pdf = path.join(tmp, 'agreement.pdf');
    const p = cli(['agreement', '--isbi', ISBI, '--split', 'test1', '--analyses', 'steiner', '--pdf', pdf]);
    assert.equal(p.status, 0, p.stderr);
    const text = poppler('pdftotext', ['-layout', pdf, '-']);
    assert.match(text, /Agreement of two sets of tracings/);
    assert.match(text, /ISBI 2015 senior \(test1\)/);
    const steiner = r.measures.filter((m) => ['sna', 'snb', 'anb', 'sn_gogn', 'u1_na_mm', 'l1_nb_mm'].includes(m.id));
    assert.equal((text.match(/bias -?\d/g) ?? []).length, steiner.length, text);
    const snb = r.measures.find((m) => m.id === 'snb')!;
    assert.ok(text.includes(`${snb.icc!.icc2.value.toFixed(3)} [${snb.icc!.icc2.lower.toFixed(2)}, ${snb.icc!.icc2.upper.toFixed(2)}]`), text);
  });

  it('gives psych::ICC ICC(2,1), ICC(3,1) and their 95 % intervals, and Bland-Altman and Dahlberg as R computes them', () => {
    const rows: string[] = [];
    r.measures.forEach((m, i) => {
      for (const p of m.blandAltman.points) rows.push(`${i},${p.mean - p.difference / 2},${p.mean + p.difference / 2}`);
    });
    const csv = path.join(tmp, 'pairs.csv');
    fs.writeFileSync(csv, 'm,a,b\n' + rows.join('\n') + '\n');
    const text = rscript(`
      suppressMessages(library(psych)); d <- read.csv("${csv}")
      for (m in sort(unique(d$m))) { x <- d[d$m == m, c("a", "b")]; res <- ICC(x, lmer = FALSE)$results; df <- x$b - x$a
        cat(m, sprintf("%.15g", c(res[2, "ICC"], res[2, "lower bound"], res[2, "upper bound"], res[3, "ICC"], res[3, "lower bound"], res[3, "upper bound"],
            mean(df), mean(df) - 1.96 * sd(df), mean(df) + 1.96 * sd(df), sqrt(sum(df^2) / (2 * nrow(x))))), "\\n", sep = " ") }`);
    const lines = text.trim().split('\n').map((l) => l.trim().split(/\s+/).map(Number));
    assert.equal(lines.length, r.measures.length);
    for (const [i, ...ref] of lines) {
      const m = r.measures[i];
      const ours = [m.icc!.icc2.value, m.icc!.icc2.lower, m.icc!.icc2.upper, m.icc!.icc3.value, m.icc!.icc3.lower, m.icc!.icc3.upper, m.blandAltman.bias, m.blandAltman.lower, m.blandAltman.upper, m.dahlberg];
      ours.forEach((v, k) => assert.ok(Math.abs(v - ref[k]) < 1e-6, `${m.id} statistic ${k}: ours ${v}, psych/R ${ref[k]}`));
    }
  });
});

describe('agreement: a tracing set with itself and bad input', () => {
  it('agrees perfectly with itself: distances 0, bias 0, Dahlberg 0', () => {
    const senior = path.join(ISBI, 'senior.csv');
    const run = cli(['agreement', '--a', senior, '--b', senior, '--mm-per-px', '0.1', '--json', path.join(tmp, 'self.json')]);
    assert.equal(run.status, 0, run.stderr);
    const r = JSON.parse(fs.readFileSync(path.join(tmp, 'self.json'), 'utf8')) as TracingAgreement;
    assert.ok(r.images >= 300);
    for (const l of r.landmarks) assert.equal(l.meanDistance, 0);
    for (const m of r.measures) {
      assert.equal(m.blandAltman.bias, 0);
      assert.equal(m.dahlberg, 0);
    }
  });

  it('refuses files with no image in common, unknown analyses and missing sources with a clear message', () => {
    const other = path.join(tmp, 'other.csv');
    fs.writeFileSync(other, 'id,' + Array.from({ length: 19 }, (_, k) => `x${k + 1},y${k + 1}`).join(',') + '\nzzz,' + Array(38).fill(1).join(',') + '\n');
    const none = cli(['agreement', '--a', path.join(ISBI, 'senior.csv'), '--b', other]);
    assert.notEqual(none.status, 0);
    assert.match(none.stderr, /no image is traced in both/);
    const bad = cli(['agreement', '--isbi', ISBI, '--analyses', 'steiner,nope']);
    assert.notEqual(bad.status, 0);
    assert.match(bad.stderr, /unknown analysis nope/);
    const neither = cli(['agreement']);
    assert.notEqual(neither.status, 0);
    assert.match(neither.stderr, /give --a and --b/);
  });
});
