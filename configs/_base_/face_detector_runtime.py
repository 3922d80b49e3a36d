# What mmdet's DetInferencer reads of a face detector config besides the
# model: the scope, the test pipeline, the class names and the visualizer.
# Shared by the weightless detectors of configs/detectors/.
default_scope = 'mmdet'
# (the face detectors and the weightless:// scheme, with mmdet)
custom_imports = dict(
    imports=['hih_mmpose.models.detectors'], allow_failed_imports=False)

# mmdet's init_detector (and so mmpose's demo/topdown_demo_with_mmdet.py)
# reads model.backbone; these detectors have none
model = dict(backbone=dict())

test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(
        type='PackDetInputs',
        meta_keys=('img_id', 'img_path', 'ori_shape', 'img_shape'))
]
# only read for its class names and pipeline (nothing is loaded)
test_dataloader = dict(
    dataset=dict(
        type='CocoDataset',
        data_root='',
        ann_file='',
        metainfo=dict(classes=('face', )),
        pipeline=test_pipeline))
visualizer = dict(type='DetLocalVisualizer', name='face_detector_visualizer')
