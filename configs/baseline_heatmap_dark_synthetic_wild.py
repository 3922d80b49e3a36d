# Same-budget mmpose baseline for configs/hih_synthetic_wild.py: the same
# HIH hourglass backbone, mmpose's MSRAHeatmap (unbiased) targets, CPMHead
# and DARK decoding (configs/_base_/models/hourglass_heatmap_dark.py), on
# the wild synthetic faces with the same data, augmentation, optimiser,
# schedule and epochs as hih_synthetic_wild.py. docs/wild_faces.md.
_base_ = [
    './hih_synthetic_wild.py', './_base_/models/hourglass_heatmap_dark.py'
]

model = _base_.dark_model
train_pipeline = [  # the base's, with this model's targets
    dict(s, encoder=_base_.dark_codec) if s['type'] == 'GenerateTarget' else s
    for s in _base_.train_pipeline]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
