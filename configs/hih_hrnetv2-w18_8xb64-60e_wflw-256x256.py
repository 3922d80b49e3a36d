# HIH's head on mmpose's own HRNetV2-W18 + DARK WFLW model (3.98 NME in
# mmpose's zoo): the same backbone, neck, data, augmentation, optimiser and
# schedule, inherited from the installed mmpose; only the head (integer +
# decimal heatmaps, the cell decimal branch, the seamless loss) and the codec
# (HIHLabel) change. Not trained here (no WFLW): docs/model_zoo/wflw.md.
_base_ = [
    'mmpose::face_2d_keypoint/topdown_heatmap/wflw/'
    'td-hm_hrnetv2-w18_dark-8xb64-60e_wflw-256x256.py'
]
custom_imports = dict(imports=['hih_mmpose'], allow_failed_imports=False)
# checkpoints that torch's default loader (and so mmpose's tools) opens
custom_hooks = [dict(type='PlainCheckpointHook')]

# mmpose's Gaussian (sigma 2 on the 64x64 map) as the integer heatmap; the
# decode of configs/hih_wflw.py
codec = dict(
    type='HIHLabel',
    input_size=(256, 256),
    heatmap_size=(64, 64),
    decimal_size=(8, 8),
    sigma=2.,
    decimal_sigma=1.0,
    mask_decimal=False,
    decimal_decode='expectation_dark',
    blur_kernel_size=11)

model = dict(
    head=dict(
        _delete_=True,
        type='HIHHead',
        in_channels=270,
        out_channels=98,
        num_stages=1,
        heatmaps_from_backbone=False,
        # the integer branch of mmpose's HeatmapHead in the inherited
        # config: a 1x1 conv-BN-ReLU of 270 channels, then the 1x1 conv
        conv_out_channels=(270, ),
        conv_kernel_sizes=(1, ),
        decimal_branch=dict(
            type='CellDecimalBranch',
            channels=32,
            window=5,
            hidden_channels=256,
            detach_stream=True),
        loss=dict(type='KeypointMSELoss', use_target_weight=True),
        decimal_loss=dict(
            type='SeamlessLoss',
            use_target_weight=True,
            soft_label='gaussian',
            reduction='landmark',
            loss_weight=1.0),
        decoder=codec),
    test_cfg=dict(_delete_=True, flip_test=True))

# mmpose's augmentation, targets from the HIH codec
train_pipeline = [
    dict(type='LoadImage'),
    dict(type='GetBBoxCenterScale'),
    dict(type='RandomFlip', direction='horizontal'),
    dict(
        type='RandomBBoxTransform',
        shift_prob=0,
        rotate_factor=60,
        scale_factor=(0.75, 1.25)),
    dict(type='TopdownAffine', input_size=codec['input_size']),
    dict(type='GenerateTarget', encoder=codec),
    dict(type='PackPoseInputs')
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
