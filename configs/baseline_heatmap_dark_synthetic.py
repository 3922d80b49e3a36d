# Same-budget mmpose baseline for configs/hih_synthetic_long.py: the same
# HIH hourglass backbone (2 stacks, 64 channels, its per-stack heatmaps
# supervised, the merges unchanged), but mmpose's stock heatmap recipe
# instead of HIH's integer + decimal heatmaps: MSRAHeatmap targets centred
# at the sub-pixel keypoint (unbiased, sigma 1.5 on the 32x32 map), mmpose's
# CPMHead (intermediate supervision, MSE) and DARK decoding. Same data,
# augmentation, optimiser, schedule and epochs as hih_synthetic_long.py.
_base_ = ['./hih_synthetic_long.py']

codec = dict(
    type='MSRAHeatmap',
    input_size=(128, 128),
    heatmap_size=(32, 32),
    sigma=1.5,
    unbiased=True,
    blur_kernel_size=3)

model = dict(
    # the backbone returns (heatmaps stack 1, heatmaps stack 2, stream)
    neck=dict(type='FeatureMapProcessor', select_index=(0, 1)),
    head=dict(
        _delete_=True,
        type='CPMHead',
        in_channels=98,
        out_channels=98,
        num_stages=2,
        deconv_out_channels=None,
        final_layer=None,
        loss=dict(type='KeypointMSELoss', use_target_weight=True),
        decoder=codec),
    test_cfg=dict(flip_test=True, flip_mode='heatmap', shift_heatmap=True))

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
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
