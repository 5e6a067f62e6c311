// The keyboard shortcuts, shown over the viewer with '?' (and closed with it or Esc). Window,
// zoom, pan, invert and reset take the keys the common clinical viewers (OHIF, Weasis) give them.
export const VIEWER_KEYS: { keys: string; what: string }[] = [
  { keys: 'E', what: 'edit mode: drag landmarks (only here)' },
  { keys: 'W', what: 'window/level mode (drag)' },
  { keys: 'P', what: 'pan mode' },
  { keys: 'Z', what: 'zoom mode (drag)' },
  { keys: 'Wheel, pinch', what: 'zoom about the pointer' },
  { keys: '+  −', what: 'zoom in / out' },
  { keys: '1', what: 'one image pixel per screen pixel (1:1)' },
  { keys: 'F', what: 'fit the image' },
  { keys: 'I', what: 'invert' },
  { keys: 'Space', what: 'reset the view: fit, the file’s window, not inverted' },
  { keys: 'B  S  O', what: 'bone, soft-tissue, or the file’s own window' },
  { keys: 'L', what: 'analysis lines on / off' },
  { keys: 'Right drag  Middle drag', what: 'zoom, pan (in any mode)' },
  { keys: '← → ↑ ↓  (Shift)', what: 'nudge the selected landmark by 1 (10) pixels, in Edit mode' },
  { keys: 'Ctrl+Z  Ctrl+Shift+Z', what: 'undo, redo a landmark edit' },
  { keys: 'Esc', what: 'cancel placing or measuring; leave review' },
  { keys: 'N  P  A (review)', what: 'next, previous, accept the flagged point (P is previous while reviewing)' },
  { keys: '?', what: 'this list' },
];

export function ShortcutHelp({ onClose }: { onClose(): void }) {
  return (
    <div className="shortcut-help" role="dialog" aria-label="Keyboard shortcuts" data-testid="shortcut-help">
      <h2>Keyboard shortcuts</h2>
      <table>
        <tbody>
          {VIEWER_KEYS.map((k) => (
            <tr key={k.keys}>
              <td>
                <kbd>{k.keys}</kbd>
              </td>
              <td>{k.what}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <button type="button" onClick={onClose}>
        Close
      </button>
    </div>
  );
}
