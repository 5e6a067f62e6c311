// Cornerstone3D is initialised once per page: core, tools, the tools we use, and our image
// scheme. Everything per-viewport lives in ViewerController.
import { init as initCore } from '@cornerstonejs/core';
import { LengthTool, PanTool, WindowLevelTool, ZoomTool, addTool, init as initTools } from '@cornerstonejs/tools';
import type { GreyPixels } from '../api/bridge.js';
import { registerMedsapiensImages } from './imageLoader.js';
import { LandmarkTool } from './LandmarkTool.js';

let ready: Promise<void> | null = null;

export function initCornerstone(fetchPixels: (imageId: number) => Promise<GreyPixels>): Promise<void> {
  ready ??= (async () => {
    await initCore();
    initTools();
    for (const Tool of [WindowLevelTool, PanTool, ZoomTool, LengthTool, LandmarkTool]) addTool(Tool);
    registerMedsapiensImages(fetchPixels);
  })();
  return ready;
}
