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

# the base's training pipeline with the occlusion labels, read after the
# flip (they follow the flipped keypoints)
train_pipeline = _base_.train_pipeline[:-2] + [
    dict(type='GetKeypointOcclusion', labelled=True)
] + _base_.train_pipeline[-2:]
# WFLWDataset keeping each face's raw annotation (its visibility flags)
train_dataloader = dict(
    dataset=dict(type='WFLWOcclusionDataset', pipeline=train_pipeline))
