# Same-budget mmpose baseline for configs/hih_synthetic_wild.py: the same
# HIH hourglass backbone, mmpose's MSRAHeatmap (unbiased) targets, CPMHead
# and DARK decoding (configs/baseline_heatmap_dark_synthetic.py), on the
# wild synthetic faces with the same data, augmentation, optimiser,
# schedule and epochs as hih_synthetic_wild.py. docs/wild_faces.md.
_base_ = ['./baseline_heatmap_dark_synthetic.py']

data_root = 'data/synthetic_wild/'
# the base's MSRAHeatmap codec, written out: the variable `codec` of the
# merged bases also carries HIHLabel's keys
heatmap_codec = dict(
    type='MSRAHeatmap',
    input_size=(128, 128),
    heatmap_size=(32, 32),
    sigma=1.5,
    unbiased=True,
    blur_kernel_size=3)
train_cfg = dict(max_epochs=24, val_interval=6)
param_scheduler = [
    dict(type='LinearLR', begin=0, end=50, start_factor=0.01, by_epoch=False),
    dict(type='MultiStepLR', begin=0, end=24, milestones=[18, 22], gamma=0.2,
         by_epoch=True),
]
default_hooks = dict(checkpoint=dict(interval=6))

train_pipeline = [
    dict(type='LoadImage'),
    dict(type='GetBBoxCenterScale'),
    dict(type='RandomFlip', direction='horizontal'),
    dict(
        type='RandomBBoxTransform',
        shift_factor=0.08,
        shift_prob=0.5,
        rotate_factor=45,
        rotate_prob=0.7,
        scale_factor=(0.75, 1.25)),
    dict(type='TopdownAffine', input_size=heatmap_codec['input_size']),
    dict(type='GenerateTarget', encoder=heatmap_codec),
    dict(type='PackPoseInputs')
]
train_dataloader = dict(
    dataset=dict(data_root=data_root, pipeline=train_pipeline))
val_dataloader = dict(dataset=dict(data_root=data_root))
test_dataloader = val_dataloader
test_evaluator = dict(
    type='FaceAlignmentMetric',
    norm_mode='inter_ocular',
    subsets={
        name: f'{data_root}annotations/face_landmarks_synthetic_test_'
        f'{name}.json'
        for name in ('largepose', 'expression', 'illumination', 'makeup',
                     'occlusion', 'blur')
    })
