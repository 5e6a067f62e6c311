// Hand-built tracings whose expected values follow from how the points were placed, not from the
// library's formulas. Each construction is right-facing in image coordinates (forward = +x,
// down = +y); every check is repeated on a rotated, scaled, left-facing copy.
import { describe, it } from 'node:test';
import { dental, jawSize, kim, sagittal, softTissue, vertical, bjorkJarabak as bj } from '../../src-shared/ceph/measures/index.js';
import type { MeasureDef, Point } from '../../src-shared/ceph/types.js';
import { mapTracing, mirrorX, similarity, type MutableTracing } from './fixtures.js';
import { DEG, at, near, valueOf } from './helpers.js';

const SCALE = 1.7;
/** A left-facing copy turned by 23 degrees and scaled by SCALE (so mm need mmPerPixel / SCALE). */
const transformed = (t: MutableTracing) => mapTracing(mapTracing(t, similarity(23, SCALE, { x: 41, y: -17 })), mirrorX());

/** Checks the value on the tracing and on its transformed copy. */
function expectValue(m: MeasureDef, t: MutableTracing, expected: number, tol = 1e-9, mmPerPixel?: number): void {
  near(valueOf(m, t, mmPerPixel), expected, tol, m.id);
  near(valueOf(m, transformed(t), mmPerPixel === undefined ? undefined : mmPerPixel / SCALE), expected, tol, `${m.id} transformed`);
}

const S: Point = { x: 300, y: 1000 };
const N: Point = { x: 1000, y: 1000 };

describe('SNA, SNB and ANB', () => {
  it('reads the angles the points were placed at, and ANB as their difference', () => {
    // N→S points back (180°); A at 80° from it, below SN: heading 180 - 80 = 100°.
    const t = { sella: S, nasion: N, subspinale: at(N, 100, 500), supramentale: at(N, 102, 900) };
    expectValue(sagittal.sna, t, 80);
    expectValue(sagittal.snb, t, 78);
    expectValue(sagittal.anb, t, 2);
  });

  it('keeps ANB negative when B lies ahead of A, for either facing direction', () => {
    const t = { sella: S, nasion: N, subspinale: at(N, 100, 500), supramentale: at(N, 97, 900) };
    expectValue(sagittal.anb, t, -3);
  });
});

describe("Tweed's triangle", () => {
  // FH horizontal, mandibular plane down 25° anteriorly, lower incisor axis heading up-forward at -60°.
  const Po = { x: 200, y: 1000 };
  const Or = { x: 900, y: 1000 };
  const Go = { x: 300, y: 1600 };
  const tip = { x: 1000, y: 1700 };
  const t = {
    porion: Po,
    orbitale: Or,
    gonion: Go,
    menton: at(Go, 25, 700),
    lower_incisal_incision: tip,
    lower_incisor_apex: at(tip, -60 + 180, 220),
  };
  it('gives FMA 25, IMPA 95, FMIA 60 (summing to 180)', () => {
    expectValue(vertical.fma, t, 25);
    expectValue(dental.impa, t, 95);
    expectValue(dental.fmia, t, 60);
  });
});

describe('Wits appraisal', () => {
  it('measures AO-BO along a tilted occlusal plane, positive when AO is ahead', () => {
    // Occlusal plane through O heading 12° (down anteriorly); A 50 px along it and 200 px above,
    // B 20 px along it and 300 px below: AO-BO = 30 px = 3 mm at 0.1 mm/px.
    const O = { x: 600, y: 1500 };
    const d = 12;
    const front = at(O, d, 400);
    const t = {
      upper_molar: at(O, d - 90, 10),
      lower_molar: at(O, d + 90, 10),
      upper_incisal_incision: at(front, d - 90, 8),
      lower_incisal_incision: at(front, d + 90, 8),
      subspinale: at(at(O, d, 50), d - 90, 200),
      supramentale: at(at(O, d, 20), d + 90, 300),
    };
    expectValue(sagittal.wits, t, 3, 1e-9, 0.1);
    const classIII = { ...t, supramentale: at(at(O, d, 75), d + 90, 300) };
    expectValue(sagittal.wits, classIII, -2.5, 1e-9, 0.1);
  });
});

describe('signed distances to profile lines', () => {
  const Pog = { x: 1000, y: 1800 };
  it('N-perp to A and to Pog, along FH', () => {
    const t = { porion: { x: 200, y: 1000 }, orbitale: { x: 900, y: 1000 }, nasion: N, subspinale: { x: 1010, y: 1400 }, pogonion: { x: 970, y: 1800 } };
    expectValue(sagittal.nPerpToA, t, 1, 1e-9, 0.1);
    expectValue(sagittal.nPerpToPog, t, -3, 1e-9, 0.1);
  });
  it('convexity: A ahead of N-Pog is positive, behind is negative', () => {
    const convex = { sella: S, nasion: N, pogonion: Pog, subspinale: { x: 1050, y: 1400 } };
    const expectedAngle = 2 * Math.atan(50 / 400) * DEG;
    expectValue(sagittal.convexityAngle, convex, expectedAngle);
    expectValue(sagittal.convexityMm, convex, 5, 1e-9, 0.1);
    const concave = { ...convex, subspinale: { x: 950, y: 1400 } };
    expectValue(sagittal.convexityAngle, concave, -expectedAngle);
    expectValue(sagittal.convexityMm, concave, -5, 1e-9, 0.1);
  });
  it('A-B plane angle is negative when B lies behind A', () => {
    const A = { x: 1050, y: 1400 };
    const t = { porion: { x: 200, y: 1000 }, nasion: N, pogonion: Pog, subspinale: A, supramentale: at(A, 95, 400) };
    expectValue(sagittal.abPlaneAngle, t, -5);
    expectValue(sagittal.abPlaneAngle, { ...t, supramentale: at(A, 84, 400) }, 6);
  });
  it('lower lip to E-line is negative behind the line', () => {
    const t = { sella: S, pronasale: { x: 1700, y: 1500 }, soft_tissue_pogonion: { x: 1700, y: 2300 }, lower_lip: { x: 1680, y: 2000 } };
    expectValue(softTissue.lowerLipToELine, t, -2, 1e-9, 0.1);
    expectValue(softTissue.lowerLipToELine, { ...t, lower_lip: { x: 1715, y: 2000 } }, 1.5, 1e-9, 0.1);
  });
  it('modified Wits: upper tip 2.5 mm ahead of the lower one along FH', () => {
    const t = { porion: { x: 200, y: 1000 }, orbitale: { x: 900, y: 1000 }, upper_incisal_incision: { x: 1000, y: 1700 }, lower_incisal_incision: { x: 975, y: 1710 } };
    expectValue(dental.modifiedWits, t, 2.5, 1e-9, 0.1);
  });
});

describe('incisors (Steiner)', () => {
  const A = { x: 1000, y: 1400 };
  const B = { x: 1000, y: 1800 };
  const u1 = { x: 1040, y: 1700 };
  const l1 = { x: 1040, y: 1690 };
  const t = {
    sella: S,
    nasion: N,
    subspinale: A,
    supramentale: B,
    upper_incisal_incision: u1,
    upper_incisor_apex: at(u1, 68 + 180, 235), // axis heading down-forward 22° off N-A (which heads 90°)
    lower_incisal_incision: l1,
    lower_incisor_apex: at(l1, -65 + 180, 215), // axis heading up-forward 25° off B→N (-90°)
  };
  it('U1-NA 22° / 4 mm, L1-NB 25° / 4 mm, interincisal 133°', () => {
    expectValue(dental.u1ToNaDeg, t, 22);
    expectValue(dental.u1ToNaMm, t, 4, 1e-9, 0.1);
    expectValue(dental.l1ToNbDeg, t, 25);
    expectValue(dental.l1ToNbMm, t, 4, 1e-9, 0.1);
    // With N-A and N-B parallel the incisors and those lines close a quadrilateral: 180 - 22 - 25.
    expectValue(dental.interincisal, t, 133);
  });
});

describe('plane inclinations', () => {
  const posterior = { x: 600, y: 1510 };
  const anterior = at(posterior, 9, 400);
  const occlusal = {
    upper_molar: { x: 600, y: 1500 },
    lower_molar: { x: 600, y: 1520 },
    upper_incisal_incision: { x: anterior.x + 5, y: anterior.y - 6 },
    lower_incisal_incision: { x: anterior.x - 5, y: anterior.y + 6 },
  };
  it('occlusal plane to FH is +9 when it runs down anteriorly, -4 when up', () => {
    const t = { porion: { x: 200, y: 1000 }, orbitale: { x: 900, y: 1000 }, ...occlusal };
    expectValue(vertical.occlusalToFh, t, 9);
    const up = at(posterior, -4, 400);
    expectValue(vertical.occlusalToFh, { ...t, upper_incisal_incision: up, lower_incisal_incision: up }, -4);
  });
  it('occlusal plane to SN adds the SN tilt', () => {
    // S-N rises 7° anteriorly, so a plane 9° down to the horizontal is 16° down to SN.
    const t = { sella: S, nasion: at(S, -7, 700), ...occlusal };
    expectValue(vertical.occlusalToSn, t, 16);
  });
  it('Y-axis, facial axis, cranial deflection', () => {
    const Ba = { x: 300, y: 1200 };
    const Pt = { x: 600, y: 1100 };
    const baN = Math.atan2(1200 - 1000, 300 - 1000) * DEG; // heading of N→Ba
    const t = {
      porion: { x: 200, y: 1000 },
      orbitale: { x: 900, y: 1000 },
      sella: S,
      gnathion: at(S, 60, 1000),
      basion: Ba,
      nasion: N,
      pterygoid: Pt,
    };
    expectValue(vertical.yAxis, t, 60);
    expectValue(vertical.cranialDeflection, t, Math.atan(200 / 700) * DEG);
    expectValue(vertical.facialAxis, { ...t, gnathion: at(Pt, baN - 88, 800) }, 88);
  });
});

describe("Kim's indicators", () => {
  // FH horizontal; palatal plane down 2° anteriorly; mandibular plane 25°; A→B heading 97°
  // (7° behind vertical); facial plane N→Pog heading 92° (facial angle 88°).
  const A = { x: 1050, y: 1350 };
  const PNS = { x: 700, y: 1250 };
  const Go = { x: 300, y: 1600 };
  const t = {
    porion: { x: 200, y: 1000 },
    orbitale: { x: 900, y: 1000 },
    nasion: N,
    pogonion: at(N, 92, 800),
    subspinale: A,
    supramentale: at(A, 97, 400),
    posterior_nasal_spine: PNS,
    anterior_nasal_spine: at(PNS, 2, 500),
    gonion: Go,
    menton: at(Go, 25, 700),
  };
  it('ODI = AB-MP (97 - 25 = 72) + palatal tilt (+2) = 74', () => {
    expectValue(kim.overbiteDepthIndicator, t, 74);
  });
  it('APDI = facial angle 88 + AB plane -5 + palatal tilt +2 = 85', () => {
    expectValue(kim.anteroposteriorDysplasiaIndicator, t, 85);
  });
  it('a palatal plane tilted upward anteriorly subtracts', () => {
    const up = { ...t, anterior_nasal_spine: at(PNS, -3, 500) };
    expectValue(kim.overbiteDepthIndicator, up, 69);
    expectValue(kim.anteroposteriorDysplasiaIndicator, up, 80);
  });
});

describe('Björk-Jarabak polygon and face heights', () => {
  // Turtle walk: N-S rising 7°, saddle 123°, articular 143°, gonial 130°.
  const n = at(S, -7, 700);
  const Ar = at(S, -7 + 123, 350);
  const Go = at(Ar, -7 + 123 - 180 + 143, 450);
  // Go→Ar heads 259°; turning 130° further round the polygon gives Go→Me heading 29°.
  const Me = at(Go, -7 + 123 - 180 + 143 + 180 + 130 - 360, 700);
  const t = { nasion: n, sella: S, articulare: Ar, gonion: Go, menton: Me };
  it('gives the angles placed and a sum 360 above the S-N / Go-Me angle', () => {
    expectValue(bj.saddleAngle, t, 123);
    expectValue(bj.articularAngle, t, 143);
    expectValue(bj.gonialAngle, t, 130);
    expectValue(bj.bjorkSum, t, 396);
    const headingDeg = (from: Point, to: Point) => Math.atan2(to.y - from.y, to.x - from.x) * DEG;
    near(valueOf(bj.bjorkSum, t) - 360, headingDeg(Go, Me) - headingDeg(S, n), 1e-9, 'sum - 360');
    near(headingDeg(Go, Me) - headingDeg(S, n), 36, 1e-9, 'S-N to Go-Me');
    near(valueOf(bj.upperGonialAngle, t) + valueOf(bj.lowerGonialAngle, t), 130, 1e-9, 'gonial split');
    expectValue(bj.anteriorCranialBase, t, 70, 1e-9, 0.1);
    expectValue(bj.posteriorCranialBase, t, 35, 1e-9, 0.1);
  });
  it('face height ratio S-Go / N-Me', () => {
    const f = { sella: S, gonion: { x: 300, y: 1700 }, nasion: N, menton: { x: 1000, y: 2000 } };
    expectValue(vertical.facialHeightIndex, f, 0.7);
    expectValue(vertical.jarabakRatio, f, 70);
  });
});

describe('McNamara lengths', () => {
  it('Co-A, Co-Gn, their difference and ANS-Me', () => {
    const t = {
      condylion: { x: 300, y: 1000 },
      subspinale: { x: 1000, y: 1000 },
      gnathion: { x: 1100, y: 1800 },
      anterior_nasal_spine: { x: 1000, y: 1300 },
      menton: { x: 1000, y: 1950 },
    };
    expectValue(jawSize.coToA, t, 70, 1e-9, 0.1);
    expectValue(jawSize.coToGn, t, Math.hypot(80, 80), 1e-9, 0.1);
    expectValue(jawSize.maxillomandibularDifference, t, Math.hypot(80, 80) - 70, 1e-9, 0.1);
    expectValue(vertical.lowerAnteriorFaceHeight, t, 65, 1e-9, 0.1);
  });
});

describe('ISBI image 001 cross-checks', () => {
  it('APDI equals the angle between the palatal plane (pointing back) and A→B', async () => {
    const { realisticTracing } = await import('./fixtures.js');
    const t = realisticTracing();
    const d1 = { x: t.posterior_nasal_spine.x - t.anterior_nasal_spine.x, y: t.posterior_nasal_spine.y - t.anterior_nasal_spine.y };
    const d2 = { x: t.supramentale.x - t.subspinale.x, y: t.supramentale.y - t.subspinale.y };
    const direct = Math.acos((d1.x * d2.x + d1.y * d2.y) / (Math.hypot(d1.x, d1.y) * Math.hypot(d2.x, d2.y))) * DEG;
    near(valueOf(kim.anteroposteriorDysplasiaIndicator, t), direct, 1e-9, 'APDI identity');
  });
});
