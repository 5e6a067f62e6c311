// Our own Cornerstone3D image scheme: pixels decoded (and windowed to 8 bits) by the main process
// arrive as raw grey bytes; the loader wraps them as an 8-bit MONOCHROME2 image and the metadata
// provider, registered together with it, describes its geometry. Nothing DICOM-specific happens
// in the renderer.
import { imageLoader, metaData, utilities, type Types } from '@cornerstonejs/core';
import type { GreyPixels } from '../api/bridge.js';
import { SCHEME, parseCornerstoneId } from './imageIds.js';

/** width/height of each loaded id, for the metadata provider (filled by the loader) */
const sizes = new Map<string, { width: number; height: number }>();

function planeModule(id: string, width: number, height: number) {
  const ref = parseCornerstoneId(id);
  // Uncalibrated images get 1: world units are then pixels, and nothing pretends to be mm.
  const rowMm = ref?.spacing?.rowMm ?? 1;
  const colMm = ref?.spacing?.colMm ?? 1;
  return {
    frameOfReferenceUID: id,
    rows: height,
    columns: width,
    imageOrientationPatient: [1, 0, 0, 0, 1, 0],
    rowCosines: [1, 0, 0],
    columnCosines: [0, 1, 0],
    imagePositionPatient: [0, 0, 0],
    pixelSpacing: [rowMm, colMm],
    rowPixelSpacing: rowMm,
    columnPixelSpacing: colMm,
    sliceThickness: 1,
  };
}

function metadataProvider(type: string, id: string): unknown {
  if (!id.startsWith(`${SCHEME}:`)) return undefined;
  const size = sizes.get(id);
  switch (type) {
    case 'imagePlaneModule':
      return size ? planeModule(id, size.width, size.height) : undefined;
    case 'imagePixelModule':
      return size
        ? { samplesPerPixel: 1, photometricInterpretation: 'MONOCHROME2', rows: size.height, columns: size.width, bitsAllocated: 8, bitsStored: 8, highBit: 7, pixelRepresentation: 0 }
        : undefined;
    case 'generalSeriesModule':
      return { modality: 'OT', seriesInstanceUID: id };
    case 'voiLutModule':
      return { windowCenter: [128], windowWidth: [256] };
    case 'modalityLutModule':
      return { rescaleSlope: 1, rescaleIntercept: 0 };
    case 'generalImageModule':
      return { instanceNumber: 1 };
    default:
      return undefined;
  }
}

function toImage(id: string, grey: GreyPixels): Types.IImage {
  const { width, height, pixels } = grey;
  sizes.set(id, { width, height });
  const plane = planeModule(id, width, height);
  let min = 255;
  let max = 0;
  for (let i = 0; i < pixels.length; i++) {
    const v = pixels[i];
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const voxelManager = utilities.VoxelManager.createImageVoxelManager({ width, height, numberOfComponents: 1, scalarData: pixels, id });
  let canvas: HTMLCanvasElement | null = null;
  const image = {
    imageId: id,
    minPixelValue: min,
    maxPixelValue: max,
    slope: 1,
    intercept: 0,
    windowCenter: 128,
    windowWidth: 256,
    voiLUTFunction: 'LINEAR',
    getPixelData: () => voxelManager.getScalarData(),
    // only the CPU fallback renderer asks for a canvas
    getCanvas: () => {
      if (canvas) return canvas;
      canvas = document.createElement('canvas');
      canvas.width = width;
      canvas.height = height;
      const ctx = canvas.getContext('2d');
      if (ctx) {
        const rgba = ctx.createImageData(width, height);
        for (let i = 0, j = 0; i < pixels.length; i++, j += 4) {
          rgba.data[j] = rgba.data[j + 1] = rgba.data[j + 2] = pixels[i];
          rgba.data[j + 3] = 255;
        }
        ctx.putImageData(rgba, 0, 0);
      }
      return canvas;
    },
    rows: height,
    columns: width,
    height,
    width,
    color: false,
    rgba: false,
    numberOfComponents: 1,
    columnPixelSpacing: plane.columnPixelSpacing,
    rowPixelSpacing: plane.rowPixelSpacing,
    invert: false,
    photometricInterpretation: 'MONOCHROME2',
    sizeInBytes: pixels.byteLength,
    dataType: 'Uint8Array',
    FrameOfReferenceUID: plane.frameOfReferenceUID,
    voxelManager,
  };
  return image as unknown as Types.IImage;
}

let registered = false;

export function registerMedsapiensImages(fetchPixels: (imageId: number) => Promise<GreyPixels>): void {
  if (registered) return;
  registered = true;
  metaData.addProvider(metadataProvider, 10000);
  imageLoader.registerImageLoader(SCHEME, (id: string) => {
    const ref = parseCornerstoneId(id);
    const promise = ref ? fetchPixels(ref.imageId).then((grey) => toImage(id, grey)) : Promise.reject(new Error(`not a MedSapiens image id: ${id}`));
    return { promise };
  });
}
