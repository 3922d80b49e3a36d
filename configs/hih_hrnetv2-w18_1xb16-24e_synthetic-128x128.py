# configs/hih_hrnetv2-w18_8xb64-60e_wflw-256x256.py (HIH's head on mmpose's
# HRNetV2-W18) on the embedded synthetic faces at a CPU budget: 128x128
# input (32x32 integer, 8x8 decimal heatmaps), batch 16, 24 epochs, no
# ImageNet initialisation (offline). Its same-budget mmpose twin is
# configs/td-hm_hrnetv2-w18_dark-1xb16-24e_synthetic-128x128.py;
# the table and its commands: docs/model_zoo/synthetic.md.
_base_ = [
    './hih_hrnetv2-w18_8xb64-60e_wflw-256x256.py',
    './_base_/datasets/synthetic_faces.py'
]

train_cfg = dict(max_epochs=24, val_interval=6)
optim_wrapper = dict(optimizer=dict(lr=2e-3))
param_scheduler = [
    dict(type='LinearLR', begin=0, end=50, start_factor=0.01, by_epoch=False),
    dict(type='MultiStepLR', begin=0, end=24, milestones=[18, 22], gamma=0.2,
         by_epoch=True),
]
auto_scale_lr = dict(base_batch_size=16)
default_hooks = dict(
    logger=dict(interval=20), checkpoint=dict(interval=6, max_keep_ckpts=1))
randomness = dict(seed=0)

codec = dict(_base_.hih_codec, input_size=(128, 128), heatmap_size=(32, 32))
model = dict(backbone=dict(init_cfg=None), head=dict(decoder=codec))

# the base's pipelines (mmpose's augmentation) at this input size and codec
resized_steps = dict(
    TopdownAffine=dict(input_size=codec['input_size']),
    GenerateTarget=dict(encoder=codec))
train_pipeline = [
    dict(step, **resized_steps.get(step['type'], {}))
    for step in _base_.train_pipeline
]
val_pipeline = [
    dict(step, **resized_steps.get(step['type'], {}))
    for step in _base_.val_pipeline
]
del resized_steps

# the easy set (configs/_base_/datasets/synthetic_faces.py; tools/quickstart.py
# renders it); the noisy and wild sets of docs/model_zoo/synthetic.md by
# --cfg-options *.dataset.data_root=...
data_root = _base_.synthetic_root
train_dataloader = dict(
    batch_size=16,
    num_workers=1,
    dataset=dict(_base_.synthetic_train, pipeline=train_pipeline))
val_dataloader = dict(
    num_workers=1,
    dataset=dict(_base_.synthetic_test, pipeline=val_pipeline))
test_dataloader = val_dataloader
# inter-ocular NME / FR / AUC, and the NME of the contour (0-32) and of the
# inner landmarks (33-97)
val_evaluator = dict(
    _delete_=True,
    type='FaceAlignmentMetric',
    norm_mode='inter_ocular',
    landmark_groups=dict(contour=list(range(33)), inner=list(range(33, 98))))
test_evaluator = val_evaluator
