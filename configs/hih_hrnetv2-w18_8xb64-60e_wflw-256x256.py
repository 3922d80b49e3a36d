# HIH's head on mmpose's own HRNetV2-W18 + DARK WFLW model (3.98 NME in
# mmpose's zoo): the same backbone, neck, data, augmentation, optimiser and
# schedule, inherited from the installed mmpose; only the head (integer +
# decimal heatmaps, the cell decimal branch, the seamless loss) and the codec
# (HIHLabel) change. Not trained here (no WFLW): docs/model_zoo/wflw.md.
_base_ = [
    'mmpose::face_2d_keypoint/topdown_heatmap/wflw/'
    'td-hm_hrnetv2-w18_dark-8xb64-60e_wflw-256x256.py',
    './_base_/models/hih_head.py'
]
custom_imports = dict(imports=['hih_mmpose'], allow_failed_imports=False)
# checkpoints that torch's default loader (and so mmpose's tools) opens
custom_hooks = [dict(type='PlainCheckpointHook')]

# mmpose's Gaussian (sigma 2 on the 64x64 map) as the integer heatmap; HIH's
# decimal heatmap, decode, head and losses of configs/hih_wflw.py
# (configs/_base_/models/hih_head.py)
codec = dict(_base_.hih_codec, sigma=2.)

model = dict(
    head=dict(
        _base_.hih_head,
        _delete_=True,
        in_channels=270,
        out_channels=98,
        num_stages=1,
        heatmaps_from_backbone=False,
        # the integer branch of mmpose's HeatmapHead in the inherited
        # config: a 1x1 conv-BN-ReLU of 270 channels, then the 1x1 conv
        conv_out_channels=(270, ),
        conv_kernel_sizes=(1, ),
        decoder=codec),
    test_cfg=dict(_delete_=True, flip_test=True))

# mmpose's augmentation, targets from the HIH codec
train_pipeline = [
    dict(step, encoder=codec) if step['type'] == 'GenerateTarget' else step
    for step in _base_.train_pipeline
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
