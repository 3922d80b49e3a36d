# A small HIH (2 stacks, 64 channels, 128x128 input, 32x32 integer and 8x8
# decimal heatmaps) trained on the embedded synthetic faces (98 WFLW-semantic
# landmarks, tools/generate_synthetic_faces.py): a few CPU minutes.
# The decimal heatmap comes from CellDecimalBranch (features around each
# keypoint's integer cell) trained with normalised Gaussian soft labels: the
# published branch and recipe (configs/hih_synthetic_published.py) stay at
# chance level here (docs/decimal_heatmap.md).
_base_ = ['./_base_/default_runtime.py']

train_cfg = dict(max_epochs=12, val_interval=3)
optim_wrapper = dict(optimizer=dict(type='Adam', lr=2e-3))
param_scheduler = [
    dict(type='LinearLR', begin=0, end=50, start_factor=0.01, by_epoch=False),
    dict(type='MultiStepLR', begin=0, end=12, milestones=[9, 11], gamma=0.2,
         by_epoch=True),
]
default_hooks = dict(
    logger=dict(type='LoggerHook', interval=20),
    checkpoint=dict(interval=3))
randomness = dict(seed=0)

codec = dict(
    type='HIHLabel',
    input_size=(128, 128),
    heatmap_size=(32, 32),
    decimal_size=(8, 8),
    sigma=1.5,
    decimal_sigma=1.0,
    # the cell branch's logits have no fixed level: no published max > 0 mask
    mask_decimal=False,
    # the decode measured best (docs/wild_faces.md): the mean of the
    # expected decimal interval and mmpose's DARK (blur 11)
    decimal_decode='expectation_dark',
    blur_kernel_size=11)

# mmpose's TopdownPoseEstimator that also maps the keypoints of crops turned
# by bbox_rotation back to the image (upright crops of rolled faces)
model = dict(
    type='UprightTopdownPoseEstimator',
    data_preprocessor=dict(
        type='PoseDataPreprocessor',
        mean=[123.675, 116.28, 103.53],
        std=[58.395, 57.12, 57.375],
        bgr_to_rgb=True),
    backbone=dict(
        type='HIHHourglassNet',
        num_keypoints=98,
        num_stacks=2,
        depth=3,
        channels=64),
    head=dict(
        type='HIHHead',
        in_channels=64,
        out_channels=98,
        num_stages=2,
        heatmaps_from_backbone=True,
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
    test_cfg=dict(flip_test=True))

dataset_type = 'WFLWDataset'
data_mode = 'topdown'
data_root = 'data/synthetic/'

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
# BBoxRotationFromDetector: faces found by the detectors of
# configs/detectors/ (MMPoseInferencer, inference_topdown) are cropped
# upright from the detector's eye line; boxes it did not find (the test
# set's) pass unchanged
val_pipeline = [
    dict(type='LoadImage'),
    dict(type='GetBBoxCenterScale'),
    dict(type='BBoxRotationFromDetector', min_roll=15.,
         orientation_check=True),
    dict(type='TopdownAffine', input_size=codec['input_size']),
    dict(type='PackPoseInputs',
         meta_keys=('id', 'img_id', 'img_path', 'category_id',
                    'crowd_index', 'ori_shape', 'img_shape', 'input_size',
                    'input_center', 'input_scale', 'flip', 'flip_direction',
                    'flip_indices', 'raw_ann_info', 'dataset_name',
                    'bbox_rotation', 'orientation_check'))
]

train_dataloader = dict(
    batch_size=16,
    num_workers=1,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        data_mode=data_mode,
        ann_file='annotations/face_landmarks_synthetic_train.json',
        data_prefix=dict(img='images/'),
        pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=32,
    num_workers=1,
    persistent_workers=True,
    drop_last=False,
    sampler=dict(type='DefaultSampler', shuffle=False, round_up=False),
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        data_mode=data_mode,
        ann_file='annotations/face_landmarks_synthetic_test.json',
        data_prefix=dict(img='images/'),
        test_mode=True,
        pipeline=val_pipeline))
test_dataloader = val_dataloader

val_evaluator = dict(type='FaceAlignmentMetric', norm_mode='inter_ocular')
test_evaluator = val_evaluator
