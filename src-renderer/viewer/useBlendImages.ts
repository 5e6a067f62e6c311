// The later studies' images of a superimposition, as pictures the overlay can lay over the first:
// each film's grey pixels tinted in its time point's colour (so which film is which reads at a
// glance) and kept as an object URL until the superimposition or the choice changes.
import { useEffect, useState } from 'react';
import type { Transport } from '../api/transport.js';

export interface BlendPicture {
  imageId: number;
  href: string;
  width: number;
  height: number;
}

function hex(colour: string): [number, number, number] {
  const n = parseInt(colour.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

async function tinted(grey: { width: number; height: number; pixels: Uint8Array }, colour: string): Promise<string> {
  const [r, g, b] = hex(colour);
  const canvas = document.createElement('canvas');
  canvas.width = grey.width;
  canvas.height = grey.height;
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('no 2-D canvas');
  const data = ctx.createImageData(grey.width, grey.height);
  const out = data.data;
  for (let i = 0, j = 0; i < grey.pixels.length; i++, j += 4) {
    const v = grey.pixels[i];
    out[j] = (v * r) / 255;
    out[j + 1] = (v * g) / 255;
    out[j + 2] = (v * b) / 255;
    out[j + 3] = 255;
  }
  ctx.putImageData(data, 0, 0);
  const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/png'));
  if (!blob) throw new Error('the picture could not be encoded');
  return URL.createObjectURL(blob);
}

/** `films`: the later studies (image id and colour); empty: nothing is fetched. */
export function useBlendImages(transport: Transport, films: readonly { imageId: number; colour: string }[], onError: (e: unknown) => void): BlendPicture[] {
  const [pictures, setPictures] = useState<BlendPicture[]>([]);
  const key = films.map((f) => `${f.imageId}:${f.colour}`).join(',');
  useEffect(() => {
    let live = true;
    const made: string[] = [];
    setPictures([]);
    if (films.length === 0) return;
    Promise.all(
      films.map(async (f) => {
        const grey = await transport.pixels(f.imageId);
        const href = await tinted(grey, f.colour);
        made.push(href);
        return { imageId: f.imageId, href, width: grey.width, height: grey.height };
      }),
    ).then(
      (p) => live && setPictures(p),
      (e: unknown) => live && onError(e),
    );
    return () => {
      live = false;
      for (const u of made) URL.revokeObjectURL(u);
    };
    // films is keyed by its content: a new array of the same films fetches nothing again
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [transport, key]);
  return pictures;
}
