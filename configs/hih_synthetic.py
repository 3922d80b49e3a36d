# configs/hih_wflw.py at a CPU budget on the embedded synthetic faces (98
# WFLW-semantic landmarks rendered by
# tools/dataset_converters/generate_synthetic_faces.py): a small HIH (2
# stacks, 64 channels, depth 3), 128x128 input (32x32 integer and 8x8
# decimal heatmaps), 12 epochs, milder augmentation: a few CPU minutes (the
# quick start, tools/quickstart.py). The model, head, losses, decimal branch
# and decode are hih_wflw.py's. The published branch and recipe
# (configs/hih_synthetic_published.py) stay at chance level here
# (docs/decimal_heatmap.md).
_base_ = ['./hih_wflw.py', './_base_/datasets/synthetic_faces.py']

# schedule
train_cfg = dict(max_epochs=12, val_interval=3)
optim_wrapper = dict(optimizer=dict(lr=2e-3))
param_scheduler = [
    dict(type='LinearLR', begin=0, end=50, start_factor=0.01, by_epoch=False),
    dict(type='MultiStepLR', begin=0, end=12, milestones=[9, 11], gamma=0.2,
         by_epoch=True),
]
default_hooks = dict(
    logger=dict(type='LoggerHook', interval=20),
    checkpoint=dict(interval=3))
randomness = dict(seed=0)

# input size and model size
codec = dict(_base_.hih_codec, input_size=(128, 128), heatmap_size=(32, 32))
model = dict(
    backbone=dict(num_stacks=2, depth=3, channels=64),
    head=dict(in_channels=64, num_stages=2, decoder=codec))

# data: milder shifts and rotations than WFLW's, scale jitter, no blur or
# occluding rectangles (the faces carry their own occluders and blur)
train_pipeline = [
    dict(type='LoadImage'),
    dict(type='GetBBoxCenterScale'),
    dict(type='RandomFlip', direction='horizontal'),
    dict(
        type='RandomBBoxTransform',
        shift_factor=0.08,
        shift_prob=0.5,
        rotate_factor=30,
        rotate_prob=0.5,
        scale_factor=(0.85, 1.15)),
    dict(type='TopdownAffine', input_size=codec['input_size']),
    dict(type='GenerateTarget', encoder=codec),
    dict(type='PackPoseInputs')
]
# the base's test pipeline at this input size
val_pipeline = [
    dict(step, input_size=codec['input_size'])
    if step['type'] == 'TopdownAffine' else step
    for step in _base_.val_pipeline
]

# the synthetic faces (configs/_base_/datasets/synthetic_faces.py) in the
# base's WFLW datasets
data_root = _base_.synthetic_root
train_dataloader = dict(
    num_workers=1,
    dataset=dict(_base_.synthetic_train, pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=32,
    num_workers=1,
    dataset=dict(_base_.synthetic_test, pipeline=val_pipeline))
test_dataloader = val_dataloader
test_evaluator = dict(
    _delete_=True, type='FaceAlignmentMetric', norm_mode='inter_ocular')
