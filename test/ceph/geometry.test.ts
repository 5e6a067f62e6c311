import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  DegenerateGeometryError,
  angleAt,
  angleBetween,
  lengthRatio,
  perpendicularToward,
  unit,
} from '../../src-shared/ceph/geometry.js';
import {
  anteriorOffset,
  frameFromDescendingLine,
  frameFromForwardLine,
  inclination,
} from '../../src-shared/ceph/profile-frame.js';
import { near } from './helpers.js';

describe('geometry primitives', () => {
  it('measures angles between directions, unsigned, in [0, 180]', () => {
    near(angleBetween({ x: 1, y: 0 }, { x: 0, y: 1 }, 't'), 90, 1e-12, 'right angle');
    near(angleBetween({ x: 1, y: 0 }, { x: 0, y: -1 }, 't'), 90, 1e-12, 'right angle, other side');
    near(angleBetween({ x: 1, y: 0 }, { x: -1, y: 0 }, 't'), 180, 1e-12, 'straight');
    near(angleBetween({ x: 2, y: 2 }, { x: 5, y: 5 }, 't'), 0, 1e-12, 'parallel');
    near(angleAt({ x: 0, y: 10 }, { x: 0, y: 0 }, { x: 10, y: 10 }, 't'), 45, 1e-12, 'vertex angle');
  });

  it('refuses zero-length directions instead of returning NaN', () => {
    assert.throws(() => unit({ x: 0, y: 0 }, 'S-N'), DegenerateGeometryError);
    assert.throws(() => angleAt({ x: 1, y: 1 }, { x: 1, y: 1 }, { x: 5, y: 2 }, 'S-N-A'), /S-N-A/);
    assert.throws(() => lengthRatio([{ x: 0, y: 0 }, { x: 3, y: 4 }], [{ x: 2, y: 2 }, { x: 2, y: 2 }], 'r'), DegenerateGeometryError);
    assert.throws(() => perpendicularToward({ x: 1, y: 0 }, { x: 5, y: 0 }, 'side'), DegenerateGeometryError);
  });

  it('builds profile frames from anatomy, the same for a face looking either way', () => {
    // Right-facing: forward is +x, down is +y. Left-facing: forward is -x, down is still +y.
    const right = frameFromForwardLine({ x: 0, y: 0 }, { x: 10, y: 0 }, { x: 3, y: 8 }, 'FH');
    const left = frameFromForwardLine({ x: 0, y: 0 }, { x: -10, y: 0 }, { x: -3, y: 8 }, 'FH');
    near(right.anterior.x, 1, 1e-12, 'right anterior');
    near(right.inferior.y, 1, 1e-12, 'right inferior');
    near(left.anterior.x, -1, 1e-12, 'left anterior');
    near(left.inferior.y, 1, 1e-12, 'left inferior');
    // A line running down and forward by 10 degrees reads +10 in both.
    const r = (10 * Math.PI) / 180;
    near(inclination(right, { x: Math.cos(r), y: Math.sin(r) }, 'l'), 10, 1e-9, 'right inclination');
    near(inclination(left, { x: -Math.cos(r), y: Math.sin(r) }, 'l'), 10, 1e-9, 'left inclination');
  });

  it('reads distances in front of a descending line as positive, using a point behind it', () => {
    const f = frameFromDescendingLine({ x: 100, y: 0 }, { x: 100, y: 50 }, { x: 0, y: 0 }, 'N-Pog');
    near(anteriorOffset(f, { x: 100, y: 0 }, { x: 107, y: 20 }), 7, 1e-12, 'ahead');
    near(anteriorOffset(f, { x: 100, y: 0 }, { x: 93, y: 20 }), -7, 1e-12, 'behind');
    const mirrored = frameFromDescendingLine({ x: -100, y: 0 }, { x: -100, y: 50 }, { x: 0, y: 0 }, 'N-Pog');
    near(anteriorOffset(mirrored, { x: -100, y: 0 }, { x: -107, y: 20 }), 7, 1e-12, 'ahead, mirrored');
    assert.throws(() => frameFromDescendingLine({ x: 0, y: 0 }, { x: 0, y: 50 }, { x: 0, y: 90 }, 'on line'), DegenerateGeometryError);
  });
});
