# configs/hih_hrnetv2-w18_8xb64-60e_wflw-256x256.py (HIH's head on mmpose's
# HRNetV2-W18) on the embedded synthetic faces at a CPU budget: 128x128
# input (32x32 integer, 8x8 decimal heatmaps), batch 16, 24 epochs, no
# ImageNet initialisation (offline). Its same-budget mmpose twin is
# configs/td-hm_hrnetv2-w18_dark-1xb16-24e_synthetic-128x128.py;
# the table and its commands: docs/model_zoo/synthetic.md.
_base_ = ['./hih_hrnetv2-w18_8xb64-60e_wflw-256x256.py']

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

codec = dict(
    type='HIHLabel',
    input_size=(128, 128),
    heatmap_size=(32, 32),
    decimal_size=(8, 8),
    sigma=1.5,
    decimal_sigma=1.0,
    mask_decimal=False,
    decimal_decode='expectation_dark',
    blur_kernel_size=11)
model = dict(backbone=dict(init_cfg=None), head=dict(decoder=codec))

input_size = codec['input_size']
train_pipeline = [
    dict(type='LoadImage'),
    dict(type='GetBBoxCenterScale'),
    dict(type='RandomFlip', direction='horizontal'),
    dict(
        type='RandomBBoxTransform',
        shift_prob=0,
        rotate_factor=60,
        scale_factor=(0.75, 1.25)),
    dict(type='TopdownAffine', input_size=input_size),
    dict(type='GenerateTarget', encoder=codec),
    dict(type='PackPoseInputs')
]
val_pipeline = [
    dict(type='LoadImage'),
    dict(type='GetBBoxCenterScale'),
    dict(type='TopdownAffine', input_size=input_size),
    dict(type='PackPoseInputs')
]

# the easy set (tools/quickstart.py renders it); the noisy and wild sets of
# docs/model_zoo/synthetic.md by --cfg-options *.dataset.data_root=...
data_root = 'data/synthetic/'
train_dataloader = dict(
    batch_size=16,
    num_workers=1,
    dataset=dict(
        data_root=data_root,
        ann_file='annotations/face_landmarks_synthetic_train.json',
        pipeline=train_pipeline))
val_dataloader = dict(
    num_workers=1,
    dataset=dict(
        data_root=data_root,
        ann_file='annotations/face_landmarks_synthetic_test.json',
        pipeline=val_pipeline))
test_dataloader = val_dataloader
# inter-ocular NME / FR / AUC, and the NME of the contour (0-32) and of the
# inner landmarks (33-97)
val_evaluator = dict(
    _delete_=True,
    type='FaceAlignmentMetric',
    norm_mode='inter_ocular',
    landmark_groups=dict(contour=list(range(33)), inner=list(range(33, 98))))
test_evaluator = val_evaluator
