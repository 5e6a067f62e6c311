// A case's film in small, asked for only once the row scrolls into view (a long list does not
// make the main process preview every film at once), and remembered for the session.
import { useEffect, useRef, useState } from 'react';
import type { ApiClient } from '../../src-shared/api/contract.js';

const seen = new Map<number, string>();

export function Thumbnail({ api, imageId }: { api: ApiClient; imageId: number }) {
  const [src, setSrc] = useState(() => seen.get(imageId) ?? null);
  const [failed, setFailed] = useState(false);
  const box = useRef<HTMLSpanElement>(null);
  useEffect(() => {
    if (src || failed || !box.current) return;
    let live = true;
    const load = () =>
      api['cases.thumbnail']({ imageId }).then(
        (t) => {
          const url = `data:${t.mimeType};base64,${t.dataBase64}`;
          seen.set(imageId, url);
          if (live) setSrc(url);
        },
        // a missing or changed film says so when the case is opened; the list shows a blank
        () => live && setFailed(true),
      );
    const watch = new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting)) {
        watch.disconnect();
        void load();
      }
    });
    watch.observe(box.current);
    return () => {
      live = false;
      watch.disconnect();
    };
  }, [api, imageId, src, failed]);
  return (
    <span ref={box} className="thumb" data-testid="thumbnail" aria-hidden="true">
      {src && <img src={src} alt="" />}
    </span>
  );
}
