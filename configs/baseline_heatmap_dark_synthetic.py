# Same-budget mmpose baseline for configs/hih_synthetic_long.py: the same
# HIH hourglass backbone, but mmpose's stock heatmap recipe instead of HIH's
# integer + decimal heatmaps (MSRAHeatmap, CPMHead, DARK:
# configs/_base_/models/hourglass_heatmap_dark.py). Same data, augmentation,
# optimiser, schedule and epochs as hih_synthetic_long.py.
_base_ = [
    './hih_synthetic_long.py', './_base_/models/hourglass_heatmap_dark.py'
]

model = _base_.dark_model
train_pipeline = [  # the base's, with this model's targets
    dict(s, encoder=_base_.dark_codec) if s['type'] == 'GenerateTarget' else s
    for s in _base_.train_pipeline]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
