# RTMDet-s face detector (one class, label 0) on mmdet's RTMDet-s recipe.
# Use with MMPoseInferencer(det_model=<this file>, det_weights=<.pth>,
# det_cat_ids=[0]); train it with mmdet's tools on a face data set in COCO
# format (one category).
_base_ = ['mmdet::rtmdet/rtmdet_s_8xb32-300e_coco.py']

model = dict(bbox_head=dict(num_classes=1))
metainfo = dict(classes=('face', ))
train_dataloader = dict(dataset=dict(metainfo=metainfo))
val_dataloader = dict(dataset=dict(metainfo=metainfo))
test_dataloader = val_dataloader
