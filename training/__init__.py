"""MedSapiens training pipeline: pose-pretrained backbone + LoRA + heatmap head.

Runs on Debian's torch 1.13 (CPU) and unchanged on torch 2.x with CUDA.
Shapes are named once here and used throughout:
    N  batch size, K  landmarks, C  channels,
    H, W  model input height/width (pixels), h, w  heatmap height/width.
"""
