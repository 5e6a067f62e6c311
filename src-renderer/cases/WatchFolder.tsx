// The watch folder setting: the folder an X-ray device writes into, imported and traced as files
// arrive (by the main process, also while no one looks at this panel). The panel asks for the
// state every few seconds rather than trusting events alone, so it also shows a watch that
// stopped on its own (a folder unplugged, a model that cannot load).
import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import type { ApiClient, WatchStatus } from '../../src-shared/api/contract.js';
import { asAppError } from '../api/envelope.js';

const POLL_MS = 2000;

interface Props {
  api: ApiClient;
  /** a file was imported (or failed) since the last look: the case list is out of date. Kept
   *  stable by the caller (useCallback): a new function restarts the polling. */
  onProcessed(): unknown;
}

export function WatchFolder({ api, onProcessed }: Props) {
  const [status, setStatus] = useState<WatchStatus | null>(null);
  const [text, setText] = useState('');
  const [refusal, setRefusal] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const seen = useRef<number | null>(null);
  const filled = useRef(false);

  const take = useCallback(
    (s: WatchStatus) => {
      setStatus(s);
      // the field starts with the saved folder, once it is known
      if (!filled.current) {
        filled.current = true;
        if (s.folder) setText(s.folder);
      }
      const processed = s.done + s.failed;
      if (seen.current !== null && processed !== seen.current) onProcessed();
      seen.current = processed;
    },
    [onProcessed],
  );

  useEffect(() => {
    let alive = true;
    const look = () =>
      api['watch.status']({}).then(
        (s) => alive && take(s),
        () => undefined, // the status bar reports a server that does not answer
      );
    void look();
    const timer = setInterval(look, POLL_MS);
    return () => {
      alive = false;
      clearInterval(timer);
    };
  }, [api, take]);

  const change = async (folder: string | null) => {
    setBusy(true);
    setRefusal(null);
    try {
      seen.current = null; // counts start again with a new watch
      take(await api['watch.set']({ folder }));
    } catch (e) {
      const err = asAppError(e);
      setRefusal(`${err.code}: ${err.message}`);
    } finally {
      setBusy(false);
    }
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (text.trim()) void change(text.trim());
  };

  return (
    <section className="watch-folder" aria-label="Watch folder">
      <h2>Watch folder</h2>
      {status?.watching ? (
        <p data-testid="watch-state" data-watching="true">
          Watching <code>{status.folder}</code>: {status.done} imported{status.failed ? `, ${status.failed} failed` : ''}
          {status.waiting ? `, ${status.waiting} waiting` : ''}
          {status.source === 'command-line' ? ' (set on the command line for this run)' : ''}
        </p>
      ) : status?.error ? (
        <p className="error" role="alert" data-testid="watch-state" data-watching="false">
          Not watching <code>{status.folder}</code>: {status.error}
        </p>
      ) : (
        <p className="hint" data-testid="watch-state" data-watching="false">
          Off. Images written into this folder (by an X-ray device or scanner) are imported and traced as they arrive.
        </p>
      )}
      <form onSubmit={submit}>
        <input type="text" placeholder="/full/path/to/incoming" value={text} onChange={(e) => setText(e.target.value)} aria-label="Folder to watch" spellCheck={false} />
        <div className="watch-buttons">
          <button type="submit" disabled={busy || !text.trim()}>
            {status?.watching ? 'Watch this folder instead' : 'Watch'}
          </button>
          {status?.folder && (
            <button type="button" disabled={busy} onClick={() => void change(null)}>
              Stop watching
            </button>
          )}
        </div>
      </form>
      {refusal && (
        <p className="error" role="alert" data-testid="watch-refusal">
          {refusal}
        </p>
      )}
    </section>
  );
}
