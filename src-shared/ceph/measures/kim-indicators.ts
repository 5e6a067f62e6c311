// Kim's overbite depth indicator (ODI; Kim 1974, Am J Orthod 65:586-611) and anteroposterior
// dysplasia indicator (APDI; Kim & Vietas 1978, Am J Orthod 73:619-633), built from their
// published definitions (restated in Prog Orthod 2016, doi 10.1186/s40510-016-0147-8):
//
//   ODI  = (A-B plane to mandibular plane) ± (palatal plane to FH)
//   APDI = (facial angle, FH to N-Pog) ± (A-B plane to facial plane) ± (palatal plane to FH)
//
// Construction used here:
//  * A-B plane to mandibular plane: the angle between the rays B→A and Me→Go, i.e. the angle
//    inside the triangle the two lines close below the chin (about 70 degrees).
//  * Palatal plane to FH: the inclination of PNS→ANS against Po→Or, positive when the palatal
//    plane runs downward anteriorly and negative when it is tilted upward (the sign convention of
//    both papers as restated in Prog Orthod 2016). "Downward" is the side of FH where the jaws
//    lie, so the sign holds for either facing direction.
//  * Facial angle: Downs' inferior-posterior angle between FH and N-Pog.
//  * A-B plane to facial plane: Downs' A-B plane angle, positive when B lies ahead of A.
// Consequence worth knowing (checked in the tests): the three APDI terms telescope, so APDI equals
// the angle between the palatal plane (pointing back) and the line A→B. The facial plane drops out.
import { defineMeasure } from '../define-measure.js';
import { angleBetween, sub } from '../geometry.js';
import { frameFromDescendingLine, frameFromForwardLine, inclination } from '../profile-frame.js';
import type { Point } from '../types.js';

/** Inclination of the palatal plane to FH; positive when ANS lies lower than a parallel to FH through PNS. */
export function palatalPlaneTilt(porion: Point, orbitale: Point, pns: Point, ans: Point, below: Point): number {
  const fh = frameFromForwardLine(porion, orbitale, below, 'FH with the jaws below');
  return inclination(fh, sub(ans, pns), 'palatal plane (PNS-ANS)');
}

export const overbiteDepthIndicator = defineMeasure({
  id: 'odi',
  name: 'Overbite depth indicator (ODI)',
  unit: 'deg',
  needs: [
    'subspinale',
    'supramentale',
    'gonion',
    'menton',
    'porion',
    'orbitale',
    'posterior_nasal_spine',
    'anterior_nasal_spine',
  ],
  description: 'Kim 1974: A-B plane to mandibular plane plus palatal plane to FH; low values: open-bite tendency.',
  compute: (p) => {
    const abToMandibularPlane = angleBetween(sub(p.subspinale, p.supramentale), sub(p.gonion, p.menton), 'A-B / Go-Me');
    const tilt = palatalPlaneTilt(p.porion, p.orbitale, p.posterior_nasal_spine, p.anterior_nasal_spine, p.menton);
    return abToMandibularPlane + tilt;
  },
});

export const anteroposteriorDysplasiaIndicator = defineMeasure({
  id: 'apdi',
  name: 'Anteroposterior dysplasia indicator (APDI)',
  unit: 'deg',
  needs: [
    'porion',
    'orbitale',
    'nasion',
    'pogonion',
    'subspinale',
    'supramentale',
    'posterior_nasal_spine',
    'anterior_nasal_spine',
  ],
  description: 'Kim & Vietas 1978: facial angle + A-B plane angle + palatal plane to FH; low: Class II, high: Class III.',
  compute: (p) => {
    const facial = angleBetween(sub(p.porion, p.orbitale), sub(p.pogonion, p.nasion), 'FH / N-Pog');
    const facialPlane = frameFromDescendingLine(p.nasion, p.pogonion, p.porion, 'N-Pog with Po behind');
    const abPlane = 90 - inclination(facialPlane, sub(p.supramentale, p.subspinale), 'A-B');
    const tilt = palatalPlaneTilt(p.porion, p.orbitale, p.posterior_nasal_spine, p.anterior_nasal_spine, p.pogonion);
    return facial + abPlane + tilt;
  },
});
