# mmpose's heatmap recipe on the light HIH's backbone, at its budget: the
# data, augmentation, optimiser and schedule of
# configs/hih_res18-w32-fpn_1xb16-24e_synthetic-wild-128x128.py with mmpose's
# HeatmapHead (the final 1x1 conv on the FPN level, the dense
# light HIH's integer branch), unbiased MSRAHeatmap targets (sigma 1.5 on the
# 32x32 map) and DARK decoding: the two differ only in HIH's decimal heatmap,
# its loss and its decode. docs/light_hih.md.
_base_ = [
    './hih_res18-w32-fpn_1xb16-24e_synthetic-wild-128x128.py',
    './_base_/models/hourglass_heatmap_dark.py'
]

model = dict(
    head=dict(_base_.dark_light_head, in_channels=64),
    test_cfg=_base_.dark_light_test_cfg)

# the base's training pipeline with this model's targets
train_pipeline = [
    dict(s, encoder=_base_.dark_codec) if s['type'] == 'GenerateTarget' else s
    for s in _base_.train_pipeline]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
