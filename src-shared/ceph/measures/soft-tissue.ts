// Soft-tissue profile.
import { defineMeasure } from '../define-measure.js';
import { anteriorOffset, frameFromDescendingLine } from '../profile-frame.js';

export const lowerLipToELine = defineMeasure({
  id: 'lower_lip_e',
  name: 'Lower lip to E-line',
  unit: 'mm',
  needs: ['sella', 'pronasale', 'soft_tissue_pogonion', 'lower_lip'],
  // Sella only fixes which side of the E-line is "behind" (toward the face).
  description: "Ricketts: distance of the lower lip from the esthetic line Prn-Pog'; negative when behind it.",
  compute: (p) => {
    const frame = frameFromDescendingLine(p.pronasale, p.soft_tissue_pogonion, p.sella, "E-line with S behind");
    return anteriorOffset(frame, p.pronasale, p.lower_lip);
  },
});
