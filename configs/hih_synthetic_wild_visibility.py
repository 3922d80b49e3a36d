# configs/hih_synthetic_wild.py plus a per-landmark visibility head
# (HIHVisibilityHead: mmpose's VisPredictHead around the HIH head, a logit
# per landmark read under its integer heatmap), trained on the wild set's
# occlusion flags (COCO visibility 1 = occluded, read by
# GetKeypointOcclusion). FaceLandmarker returns the probabilities as
# `keypoint_visible`. docs/wild_faces.md.
_base_ = ['./hih_synthetic_wild.py']

model = dict(
    head=dict(
        _delete_=True,
        type='HIHVisibilityHead',
        pose_cfg={{_base_.model.head}},
        loss=dict(type='BCELoss', use_target_weight=True,
                  use_sigmoid=False)))

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
    dict(type='TopdownAffine', input_size={{_base_.codec.input_size}}),
    # after the flip: the labels follow the flipped keypoints
    dict(type='GetKeypointOcclusion', labelled=True),
    dict(type='GenerateTarget', encoder={{_base_.codec}}),
    dict(type='PackPoseInputs')
]
# WFLWDataset keeping each face's raw annotation (its visibility flags)
train_dataloader = dict(
    dataset=dict(type='WFLWOcclusionDataset', pipeline=train_pipeline))
