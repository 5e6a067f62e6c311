// The chosen analysis's lines (S-N, FH, N-A, the mandibular plane ...) drawn over the image, in the
// colours the PDF uses, following the landmarks as they are dragged (they read the live tracing the
// measurements read) and every pan and zoom.
import { useLayoutEffect, useMemo, useSyncExternalStore } from 'react';
import { tracingLines } from '../../src-shared/ceph/tracing-lines.js';
import { perf } from '../perf.js';
import type { ImagePoint } from './coords.js';
import { liveTracing } from './liveTracing.js';

interface Props {
  analysisId: string;
  toBox(p: ImagePoint): { x: number; y: number } | null;
}

export function AnalysisLines({ analysisId, toBox }: Props) {
  const points = useSyncExternalStore(liveTracing.subscribe, liveTracing.get);
  const lines = useMemo(() => tracingLines(points, [analysisId]), [points, analysisId]);
  useLayoutEffect(() => perf.linesUpdateCommitted(), [lines]);
  return (
    <svg className="analysis-lines" data-testid="analysis-lines" aria-hidden="true">
      {lines.map((l) => {
        const a = toBox(l.a);
        const b = toBox(l.b);
        if (!a || !b) return null;
        return (
          <g key={l.id} data-line={l.id}>
            <line x1={a.x} y1={a.y} x2={b.x} y2={b.y} stroke={l.colour} strokeWidth={1.5} strokeDasharray={l.kind === 'plane' ? '6 4' : undefined} opacity={0.85} />
            <text x={b.x + 4} y={b.y - 4} fill={l.colour} fontSize={11}>
              {l.label}
            </text>
          </g>
        );
      })}
    </svg>
  );
}
