# YOLOX-s face detector (one class, label 0) on mmdet's YOLOX-s recipe, the
# detector mmpose's face demo uses. For trained weights, e.g. mmpose's
# yolo-x_8xb8-300e_coco-face_13274d7c.pth from the mmpose model zoo:
# MMPoseInferencer(det_model=<this file>, det_weights=<.pth>, det_cat_ids=[0]).
# Train it with mmdet's tools on a face data set in COCO format (one category).
_base_ = ['mmdet::yolox/yolox_s_8xb8-300e_coco.py']

model = dict(bbox_head=dict(num_classes=1))
metainfo = dict(classes=('face', ))
train_dataloader = dict(dataset=dict(dataset=dict(metainfo=metainfo)))
val_dataloader = dict(dataset=dict(metainfo=metainfo))
test_dataloader = val_dataloader
